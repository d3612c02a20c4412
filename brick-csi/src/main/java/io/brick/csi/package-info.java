/** brick's Kubernetes CSI node plugin: the CSI v1 Identity and Node services over gRPC on a Unix socket. */
package io.brick.csi;

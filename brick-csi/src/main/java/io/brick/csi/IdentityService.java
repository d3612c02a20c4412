package io.brick.csi;

import com.google.protobuf.BoolValue;
import csi.v1.GetPluginCapabilitiesRequest;
import csi.v1.GetPluginCapabilitiesResponse;
import csi.v1.GetPluginInfoRequest;
import csi.v1.GetPluginInfoResponse;
import csi.v1.IdentityGrpc;
import csi.v1.ProbeRequest;
import csi.v1.ProbeResponse;
import io.grpc.stub.StreamObserver;

import java.util.Map;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The CSI Identity service: the plugin's name and version, no plugin capabilities (a node-only plugin: no controller
 * service, no topology constraints), and {@code Probe} ready once the brick runtime is built.
 */
final class IdentityService extends IdentityGrpc.IdentityImplBase {
    private final String name;
    private final String version;
    private final Map<String, String> manifest;
    private final BooleanSupplier ready;

    IdentityService(String name, String version, Map<String, String> manifest, BooleanSupplier ready) {
        this.name = requireNonNull(name, "name is null");
        this.version = requireNonNull(version, "version is null");
        this.manifest = Map.copyOf(manifest);
        this.ready = requireNonNull(ready, "ready is null");
    }

    @Override
    public void getPluginInfo(GetPluginInfoRequest request, StreamObserver<GetPluginInfoResponse> responses) {
        responses.onNext(GetPluginInfoResponse.newBuilder().setName(name).setVendorVersion(version)
                .putAllManifest(manifest).build());
        responses.onCompleted();
    }

    @Override
    public void getPluginCapabilities(GetPluginCapabilitiesRequest request,
                                      StreamObserver<GetPluginCapabilitiesResponse> responses) {
        responses.onNext(GetPluginCapabilitiesResponse.getDefaultInstance());
        responses.onCompleted();
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeResponse> responses) {
        responses.onNext(ProbeResponse.newBuilder().setReady(BoolValue.of(ready.getAsBoolean())).build());
        responses.onCompleted();
    }
}

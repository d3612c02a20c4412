package io.brick.core.model;

/**
 * Where a path device sits, as the kernel addresses it: a SCSI {@link Hctl}, a {@link NamespaceAddress} (an NVMe
 * controller's namespace), or a vendor transport's own kind. The kind decides how the path is removed
 * ({@link io.brick.core.port.PathRemover}), rescanned and flushed.
 */
public interface PathAddress {
    /** The kind of SCSI addresses. */
    String SCSI = "scsi";

    /** The kind: {@value #SCSI}, {@code nvme}, or a vendor's; one remover serves each kind. */
    String kind();

    /** The address as the kernel writes it ({@code 2:0:0:1}, {@code nvme0/1}). */
    @Override
    String toString();
}

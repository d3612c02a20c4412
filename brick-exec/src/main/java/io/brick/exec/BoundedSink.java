package io.brick.exec;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where one output stream of a process goes: keeps the first {@code limit} bytes, reads and drops the rest (so the
 * process never blocks on a full pipe and a flood never exhausts memory) and remembers that it did.
 */
final class BoundedSink extends OutputStream {
    private final int limit;
    private final ByteArrayOutputStream kept;
    private long total;

    BoundedSink(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
        this.kept = new ByteArrayOutputStream(Math.min(limit, 8192));
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < limit) {
            kept.write(b);
        }
        total++;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        int room = limit - kept.size();
        if (room > 0) {
            kept.write(bytes, offset, Math.min(room, length));
        }
        total += length;
    }

    /** What was kept, decoded as UTF-8 (a character cut at the limit becomes U+FFFD). */
    synchronized String text() {
        return new String(kept.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Whether more arrived than was kept. */
    synchronized boolean truncated() {
        return total > kept.size();
    }

    /** How many bytes arrived in all. */
    synchronized long totalBytes() {
        return total;
    }
}

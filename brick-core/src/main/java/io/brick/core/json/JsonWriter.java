package io.brick.core.json;

/** The writer behind {@link Json#write(Object)}. */
final class JsonWriter {
    private JsonWriter() {
    }

    static String write(Object value, boolean pretty) {
        throw new UnsupportedOperationException("not yet written");
    }
}

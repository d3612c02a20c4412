package io.brick.core.model.good9;

/** Good for rule 9: "Fc" not as a word, and no transport's name. */
public record Fcntl(int flags, Rfc3986Text text) {
    /** A text: "fc" in lower case is no transport either. */
    public record Rfc3986Text(String value) {
    }
}

package io.brick.exec;

import io.brick.core.port.Command;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretScrubberTest {
    @Test
    void masksEveryOccurrenceOfEverySecretArgument() {
        SecretScrubber scrubber = SecretScrubber.of(Command.builder("tool").arg("user").secretArg("pa55")
                .secretArg("other").build());

        assertThat(scrubber.scrub("user pa55 and pa55, other")).isEqualTo("user *** and ***, ***");
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        SecretScrubber scrubber =
                SecretScrubber.of(Command.builder("tool").secretArg("abc").secretArg("abcdef").build());

        assertThat(scrubber.scrub("xabcdefx abc")).isEqualTo("x***x ***");
    }

    @Test
    void plainArgumentsAndEmptySecretsAreLeftAlone() {
        SecretScrubber scrubber = SecretScrubber.of(Command.builder("tool").arg("visible").secretArg("").build());

        assertThat(scrubber.scrub("visible text")).isEqualTo("visible text");
    }

    @Test
    void aCutTextEndingInTheBeginningOfASecretHasThatTailMasked() {
        SecretScrubber scrubber = SecretScrubber.of(Command.builder("tool").secretArg("topsecret").build());

        assertThat(scrubber.scrub("value: topsec", true)).isEqualTo("value: ***");
        assertThat(scrubber.scrub("value: topsec", false)).isEqualTo("value: topsec");
    }
}

package io.brick.exec;

import io.brick.core.model.Secret;
import io.brick.core.port.Command;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Replaces every secret argument's value by {@code ***} in text that is logged or put into an exception: a tool may
 * echo what it was given (in stdout, stderr or an error message).
 */
final class SecretScrubber {
    private final List<String> secrets;

    private SecretScrubber(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    static SecretScrubber of(Command command) {
        return new SecretScrubber(command.arguments().stream()
                .filter(Command.Argument::secret)
                .map(Command.Argument::value)
                .filter(value -> !value.isEmpty())
                .distinct()
                // the longest first, so a secret that contains another is masked whole
                .sorted(Comparator.comparingInt(String::length).reversed())
                .collect(Collectors.toList()));
    }

    String scrub(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String scrubbed = text;
        for (String secret : secrets) {
            scrubbed = scrubbed.replace(secret, Secret.MASK);
        }
        return scrubbed;
    }

    /**
     * Like {@link #scrub(String)}; for text that was cut short, also masks a tail that could be the beginning of a
     * secret cut in two.
     */
    String scrub(String text, boolean cut) {
        String scrubbed = scrub(text);
        if (!cut || scrubbed == null) {
            return scrubbed;
        }
        for (String secret : secrets) {
            for (int length = secret.length() - 1; length > 0; length--) {
                if (scrubbed.endsWith(secret.substring(0, length))) {
                    scrubbed = scrubbed.substring(0, scrubbed.length() - length) + Secret.MASK;
                    break;
                }
            }
        }
        return scrubbed;
    }

    @Override
    public String toString() {
        return "SecretScrubber[" + secrets.size() + " secrets]";
    }
}

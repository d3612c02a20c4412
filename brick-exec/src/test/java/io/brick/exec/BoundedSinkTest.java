package io.brick.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedSinkTest {
    @Test
    void keepsEverythingUpToTheLimit() {
        BoundedSink sink = new BoundedSink(5);

        sink.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        sink.write('d');
        sink.write('e');

        assertThat(sink.text()).isEqualTo("abcde");
        assertThat(sink.truncated()).isFalse();
        assertThat(sink.totalBytes()).isEqualTo(5);
    }

    @Test
    void dropsWhatComesPastTheLimitButCountsIt() {
        BoundedSink sink = new BoundedSink(4);
        byte[] chunk = "0123456789".getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < 1000; i++) {
            sink.write(chunk, 2, 6);
        }
        sink.write('x');

        assertThat(sink.text()).isEqualTo("2345");
        assertThat(sink.truncated()).isTrue();
        assertThat(sink.totalBytes()).isEqualTo(6001);
    }

    @Test
    void aCharacterCutAtTheLimitBecomesAReplacementCharacter() {
        BoundedSink sink = new BoundedSink(2);
        byte[] bytes = "aé".getBytes(StandardCharsets.UTF_8);

        sink.write(bytes, 0, bytes.length);

        assertThat(sink.text()).isEqualTo("a\uFFFD");
        assertThat(sink.truncated()).isTrue();
    }
}

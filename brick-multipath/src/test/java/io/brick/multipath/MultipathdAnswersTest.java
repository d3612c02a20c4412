package io.brick.multipath;

import io.brick.multipath.MultipathdAnswers.Answer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MultipathdAnswersTest {
    @Test
    void okAloneIsOk() {
        assertThat(MultipathdAnswers.answer("ok\n")).isEqualTo(Answer.OK);
        assertThat(MultipathdAnswers.answer("  ok  ")).isEqualTo(Answer.OK);
    }

    @Test
    void readsFailAndTimeout() {
        assertThat(MultipathdAnswers.answer("fail\n")).isEqualTo(Answer.FAIL);
        assertThat(MultipathdAnswers.answer("timeout\n")).isEqualTo(Answer.TIMEOUT);
        assertThat(MultipathdAnswers.answer("fail: timeout waiting")).isEqualTo(Answer.TIMEOUT);
    }

    @Test
    void anythingElseIsNotDone() {
        assertThat(MultipathdAnswers.answer("")).isEqualTo(Answer.OTHER);
        assertThat(MultipathdAnswers.answer("error receiving packet")).isEqualTo(Answer.OTHER);
        assertThat(MultipathdAnswers.answer("ok\nok")).isEqualTo(Answer.OTHER);
    }

    @Test
    void readsTheWwidAddedAnswer() {
        String wwid = "360014053b8c2d6119a414f0b8e275d1c";

        assertThat(MultipathdAnswers.wwidAdded("wwid '" + wwid + "' added\n", wwid)).isTrue();
        assertThat(MultipathdAnswers.wwidAdded("wwid '3600other' added\n", wwid)).isFalse();
        assertThat(MultipathdAnswers.wwidAdded("", wwid)).isFalse();
        assertThat(MultipathdAnswers.wwidAdded("Oct 13 10:24:01 | " + wwid + ": failed", wwid)).isFalse();
    }

    @Test
    void readsTheWwidRemovedAnswer() {
        String wwid = "360014053b8c2d6119a414f0b8e275d1c";

        assertThat(MultipathdAnswers.wwidRemoved("wwid '" + wwid + "' removed\n", wwid)).isTrue();
        assertThat(MultipathdAnswers.wwidRemoved("wwid '" + wwid + "' not in wwids file\n", wwid)).isTrue();
        assertThat(MultipathdAnswers.wwidRemoved("wwid '3600other' removed\n", wwid)).isFalse();
        assertThat(MultipathdAnswers.wwidRemoved("", wwid)).isFalse();
        assertThat(MultipathdAnswers.wwidRemoved("Oct 13 10:24:01 | failed to remove wwid", wwid)).isFalse();
    }
}

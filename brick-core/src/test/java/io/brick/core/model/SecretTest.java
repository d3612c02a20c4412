package io.brick.core.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTest {
    private record Credentials(String user, Secret password) {
    }

    @Test
    void neverShowsItself() {
        Secret secret = Secret.of("hunter2");

        assertThat(secret.toString()).isEqualTo("***");
        assertThat(String.valueOf(List.of(secret))).doesNotContain("hunter2");
        assertThat(String.valueOf(Map.of("auth_password", secret))).doesNotContain("hunter2");
        assertThat(new Credentials("admin", secret).toString()).isEqualTo("Credentials[user=admin, password=***]");
    }

    @Test
    void revealsItselfOnlyWhenAsked() {
        assertThat(Secret.of("hunter2").reveal()).isEqualTo("hunter2");
    }

    @Test
    void comparesByContent() {
        assertThat(Secret.of("a").matches(Secret.of("a"))).isTrue();
        assertThat(Secret.of("a").matches(Secret.of("b"))).isFalse();
        assertThat(Secret.of("a").matches(null)).isFalse();
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).hasSameHashCodeAs(Secret.of("a"));
        assertThat(Secret.of("a")).isNotEqualTo(Secret.of("b"));
        assertThat(Secret.of("").isEmpty()).isTrue();
        assertThat(Secret.of("x").isEmpty()).isFalse();
    }
}

package io.brick.iscsi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IscsiExitCodesTest {
    @Test
    void carriesOpenIscsisNumbers() {
        assertThat(IscsiExitCodes.SUCCESS).isZero();
        assertThat(IscsiExitCodes.ERR).isEqualTo(1);
        assertThat(IscsiExitCodes.SESS_NOT_FOUND).isEqualTo(2);
        assertThat(IscsiExitCodes.IDBM).isEqualTo(6);
        assertThat(IscsiExitCodes.TRANS_TIMEOUT).isEqualTo(8);
        assertThat(IscsiExitCodes.SESS_EXISTS).isEqualTo(15);
        assertThat(IscsiExitCodes.FATAL_LOGIN).isEqualTo(19);
        assertThat(IscsiExitCodes.NO_OBJS_FOUND).isEqualTo(21);
        assertThat(IscsiExitCodes.LOGIN_AUTH_FAILED).isEqualTo(24);
        assertThat(IscsiExitCodes.CHILD_TERMINATED).isEqualTo(31);
        assertThat(IscsiExitCodes.LEGACY_NOT_FOUND).isEqualTo(255);
    }

    @Test
    void namesAndDescribesEveryCode() {
        assertThat(IscsiExitCodes.name(21)).isEqualTo("ISCSI_ERR_NO_OBJS_FOUND");
        assertThat(IscsiExitCodes.name(15)).isEqualTo("ISCSI_ERR_SESS_EXISTS");
        assertThat(IscsiExitCodes.describe(24)).startsWith("24 (ISCSI_ERR_LOGIN_AUTH_FAILED: ").contains("authorization");
        assertThat(IscsiExitCodes.describe(0)).isEqualTo("0 (ISCSI_SUCCESS: success)");
        for (int code = 0; code <= 31; code++) {
            assertThat(IscsiExitCodes.name(code)).as("code %d", code).startsWith("ISCSI_");
        }
        assertThat(IscsiExitCodes.describe(255)).contains("2.0-871");
    }

    @Test
    void saysWhenACodeIsNotOpenIscsis() {
        assertThat(IscsiExitCodes.name(42)).isEqualTo("exit code 42");
        assertThat(IscsiExitCodes.describe(-1)).isEqualTo("-1 (not an open-iscsi exit code)");
    }

    @Test
    void readsNothingFoundInBothTheCurrentAndTheLegacyForm() {
        assertThat(IscsiExitCodes.nothingFound(21)).isTrue();
        assertThat(IscsiExitCodes.nothingFound(255)).isTrue();
        assertThat(IscsiExitCodes.nothingFound(0)).isFalse();
        assertThat(IscsiExitCodes.nothingFound(6)).isFalse();
    }
}

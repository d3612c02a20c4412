package io.brick.iscsi;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;

/** What a reader remembers of its sessions' target names, and how a lookup by target answers from it. */
class SessionNamesTest {
    private static final Iqn TARGET = Iqn.of("iqn.2003-01.org.example:target-1");

    @Test
    void a_lookup_reads_unknown_sessions_and_knows_which_remembered_ones_name_the_target_ignoring_case() {
        SessionNames names = new SessionNames();
        names.remember(3, "IQN.2003-01.ORG.EXAMPLE:TARGET-1");
        names.remember(4, "iqn.2003-01.org.example:target-2");

        SessionNames.Lookup lookup = names.lookup(TARGET);

        assertThat(lookup.unknown(3)).isFalse();
        assertThat(lookup.namesTarget(3)).isTrue();
        assertThat(lookup.unknown(4)).isFalse();
        assertThat(lookup.namesTarget(4)).isFalse();
        assertThat(lookup.unknown(5)).as("never seen: read it").isTrue();
    }

    @Test
    void a_lookup_answers_from_what_was_remembered_when_it_began() {
        SessionNames names = new SessionNames();
        SessionNames.Lookup before = names.lookup(TARGET);
        names.remember(7, TARGET.value());

        assertThat(before.unknown(7)).isTrue();
        assertThat(names.lookup(TARGET).namesTarget(7)).isTrue();
    }

    @Test
    void forgotten_sessions_are_unknown_again_and_leave_the_target_s_index() {
        SessionNames names = new SessionNames();
        names.remember(1, TARGET.value());
        names.remember(2, TARGET.value());
        BitSet present = new BitSet();
        present.set(2);

        names.retain(present);

        SessionNames.Lookup lookup = names.lookup(TARGET);
        assertThat(names.size()).isEqualTo(1);
        assertThat(lookup.unknown(1)).isTrue();
        assertThat(lookup.namesTarget(1)).isFalse();
        assertThat(lookup.namesTarget(2)).isTrue();
    }

    @Test
    void a_non_ascii_name_is_compared_one_by_one_as_iqn_matches_does() {
        SessionNames names = new SessionNames();
        // U+0131 (dotless i) upper-cases to I: equalsIgnoreCase takes it for an i, lower-casing does not
        names.remember(9, "\u0131qn.2003-01.org.example:target-1");
        names.remember(10, "iqn.2003-01.org.example:target-3");

        SessionNames.Lookup lookup = names.lookup(TARGET);

        assertThat(Iqn.of(TARGET.value()).value().equalsIgnoreCase("\u0131qn.2003-01.org.example:target-1")).isTrue();
        assertThat(lookup.namesTarget(9)).isTrue();
        assertThat(lookup.namesTarget(10)).isFalse();
    }

    @Test
    void a_name_remembered_again_moves_the_session_to_the_new_target() {
        SessionNames names = new SessionNames();
        names.remember(6, "iqn.2003-01.org.example:target-9");
        names.remember(6, TARGET.value());

        assertThat(names.lookup(TARGET).namesTarget(6)).isTrue();
        assertThat(names.lookup(Iqn.of("iqn.2003-01.org.example:target-9")).namesTarget(6)).isFalse();
        assertThat(names.name(6)).contains(TARGET.value());
    }
}

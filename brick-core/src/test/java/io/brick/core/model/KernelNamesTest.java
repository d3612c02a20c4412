package io.brick.core.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KernelNamesTest {
    @Test
    void names_with_the_same_prefix_sort_by_their_number() {
        List<String> names = new ArrayList<>(List.of("dm-10", "dm-2", "dm-1", "rport-5:0-10", "rport-5:0-2"));
        names.sort(KernelNames.ORDER);

        assertThat(names).containsExactly("dm-1", "dm-2", "dm-10", "rport-5:0-2", "rport-5:0-10");
    }

    @Test
    void other_names_sort_as_strings() {
        List<String> names = new ArrayList<>(List.of("sdb", "dm-3", "sda", "host2", "sdaa"));
        names.sort(KernelNames.ORDER);

        assertThat(names).containsExactly("dm-3", "host2", "sda", "sdaa", "sdb");
        assertThat(KernelNames.compare("sdb", "sda")).isPositive();
        assertThat(KernelNames.compare("dm-9", "dm-9")).isZero();
        assertThat(KernelNames.compare("dm-9", "dm-10")).as("by number, not as strings").isNegative();
    }
}

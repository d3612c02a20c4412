package io.brick.sysfs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcLocksParserTest {
    /**
     * /proc/locks as recorded on the development machine (Debian 12, kernel 6.x) while a JVM held a FileChannel lock on
     * a file of /dev/shm (dev 26, inode 559426) and flock(1) held locks of its own; the waiter line (the kernel's
     * "->" form for a process blocked on a POSIX lock) is added to show it is skipped.
     */
    private static final String RECORDED = """
            1: POSIX  ADVISORY  WRITE 14252 00:1a:559426 0 EOF
            1: -> POSIX  ADVISORY  WRITE 14300 00:1a:559426 0 EOF
            2: FLOCK  ADVISORY  WRITE 13851 fe:00:2154497 0 EOF
            3: FLOCK  ADVISORY  WRITE 13471 fe:00:2154542 0 EOF
            4: FLOCK  ADVISORY  WRITE 14252 fe:00:2154514 0 EOF
            """;

    @Test
    void the_holder_of_a_file_is_found_by_device_and_inode_and_waiters_are_not_holders() {
        assertThat(ProcLocksParser.holders(RECORDED, ProcLocksParser.major(26), ProcLocksParser.minor(26), 559426))
                .containsExactly(14252L);
        assertThat(ProcLocksParser.holders(RECORDED, 0xfe, 0, 2154497)).containsExactly(13851L);
    }

    @Test
    void another_file_or_a_garbled_table_has_no_holder() {
        assertThat(ProcLocksParser.holders(RECORDED, 0, 0x1a, 55942)).isEmpty();
        assertThat(ProcLocksParser.holders(RECORDED, 0, 0x1b, 559426)).isEmpty();
        assertThat(ProcLocksParser.holders("", 0, 0x1a, 559426)).isEmpty();
        assertThat(ProcLocksParser.holders("1: POSIX ADVISORY WRITE notapid 00:1a:559426 0 EOF\ngarbage\n", 0, 0x1a,
                559426)).isEmpty();
    }

    @Test
    void device_numbers_decode_as_glibc_encodes_them() {
        assertThat(ProcLocksParser.major(0xfe00)).isEqualTo(0xfe);
        assertThat(ProcLocksParser.minor(0xfe00)).isZero();
        assertThat(ProcLocksParser.major(26)).isZero();
        assertThat(ProcLocksParser.minor(26)).isEqualTo(26);
        // major 259, minor 300: the high parts of both
        long dev = (259L & 0xfff) << 8 | (259L & ~0xfffL) << 32 | (300L & 0xff) | (300L & ~0xffL) << 12;
        assertThat(ProcLocksParser.major(dev)).isEqualTo(259);
        assertThat(ProcLocksParser.minor(dev)).isEqualTo(300);
    }
}

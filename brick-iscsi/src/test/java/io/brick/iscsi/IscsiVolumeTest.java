package io.brick.iscsi;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Lun;
import io.brick.core.model.LunAddressing;
import io.brick.core.model.Wwid;
import io.brick.iscsi.SessionManager.Chap;
import io.brick.iscsi.SessionManager.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link IscsiVolume}: os-brick's target resolution ({@code _get_all_targets}, {@code _get_ips_iqns_luns}; tests named
 * after os-brick's where they mirror one), and every invalid input named by its key.
 */
class IscsiVolumeTest {
    private static final String SECRET = "Pa55-w0rd-never-shown";
    private static final String TGT1 = "iqn.2000-05.com.example:tgt1";
    private static final String TGT2 = "iqn.2000-05.com.example:tgt2";
    private static final String TGT3 = "iqn.2000-05.com.example:tgt3";
    private static final String TGT4 = "iqn.2000-05.com.example:tgt4";
    private static final List<String> PORTALS = List.of("10.0.0.1:3260", "10.0.0.2:3260", "10.0.0.3:3260",
            "10.0.0.4:3260");

    /** os-brick's SINGLE_CON_PROPS (LUN given as the string {@code '1'}). */
    private static Map<String, Object> singleConProps() {
        Map<String, Object> props = new HashMap<>();
        props.put("volume_id", "vol_id");
        props.put("target_portal", PORTALS.get(0));
        props.put("target_iqn", TGT1);
        props.put("encrypted", false);
        props.put("target_lun", "1");
        return props;
    }

    /** os-brick's CON_PROPS: singular keys and the three lists. */
    private static Map<String, Object> conProps() {
        Map<String, Object> props = new HashMap<>();
        props.put("volume_id", "vol_id");
        props.put("target_portal", PORTALS.get(0));
        props.put("target_iqn", TGT1);
        props.put("target_lun", 4);
        props.put("target_portals", PORTALS);
        props.put("target_iqns", List.of(TGT1, TGT2, TGT3, TGT4));
        props.put("target_luns", List.of(4, 5, 6, 7));
        return props;
    }

    private static IscsiVolume parse(Map<String, Object> props) {
        return IscsiVolume.parse(ConnectionProperties.of(props));
    }

    private static IscsiVolume parseMultipath(Map<String, Object> props) {
        return IscsiVolume.parse(ConnectionProperties.of(props), true, "default");
    }

    private static IscsiTarget target(String portal, String iqn, long lun) {
        return new IscsiTarget(Portal.parse(portal), Iqn.of(iqn), Lun.of(lun));
    }

    private static Node node(String portal, String iqn) {
        return new Node(Iqn.of(iqn), Portal.parse(portal), "default");
    }

    private static InvalidInputException invalid(Map<String, Object> props) {
        return catchThrowableOfType(() -> parse(props), InvalidInputException.class);
    }

    // ---------------------------------------------------------------------------------------- target resolution

    @Test
    void test__get_all_targets_no_addressing_mode() {
        IscsiVolume volume = parse(conProps());

        assertThat(volume.addressing()).isEqualTo(LunAddressing.SAM);
        assertThat(volume.targets()).containsExactly(target(PORTALS.get(0), TGT1, 4), target(PORTALS.get(1), TGT2, 5),
                target(PORTALS.get(2), TGT3, 6), target(PORTALS.get(3), TGT4, 7));
    }

    @Test
    void test__get_all_targets_sam2_addressing_mode() {
        Map<String, Object> props = conProps();
        props.put("addressing_mode", "SAM2");
        props.put("target_luns", List.of(4, 255, 256, 1000));

        assertThat(parse(props).targets()).extracting(IscsiTarget::lun)
                .containsExactly(Lun.of(4), Lun.of(255), Lun.of(256 + 16384), Lun.of(1000 + 16384));
    }

    @Test
    void sam3_flat_addressing_applies_to_the_single_lun_the_default_lun_and_discovery_luns() {
        Map<String, Object> props = singleConProps();
        props.put("addressing_mode", "SAM3-flat");
        assertThat(parse(props).targets()).containsExactly(target(PORTALS.get(0), TGT1, 16385));
        props.remove("target_lun");
        assertThat(parse(props).targets()).containsExactly(target(PORTALS.get(0), TGT1, 16384));
        props.put("target_luns", List.of(2, 3));
        assertThat(parseMultipath(props).discoveryLuns()).containsExactly(Lun.of(16386), Lun.of(16387));
    }

    @Test
    void a_single_target_takes_target_lun_as_a_string_or_a_number_and_defaults_it_to_0() {
        assertThat(parse(singleConProps()).targets()).containsExactly(target(PORTALS.get(0), TGT1, 1));
        Map<String, Object> props = singleConProps();
        props.remove("target_lun");
        IscsiVolume volume = parse(props);
        assertThat(volume.targets()).containsExactly(target(PORTALS.get(0), TGT1, 0));
        assertThat(volume.pluralTargets()).isFalse();
    }

    @Test
    void a_tpgt_after_the_portal_is_dropped() {
        Map<String, Object> props = singleConProps();
        props.put("target_portal", "10.0.0.1:3260,1");
        assertThat(parse(props).seed().portal()).isEqualTo(Portal.parse("10.0.0.1:3260"));
    }

    @Test
    void the_lists_repeat_target_lun_when_target_luns_is_absent() {
        Map<String, Object> props = conProps();
        props.remove("target_luns");

        assertThat(parse(props).targets()).extracting(IscsiTarget::lun).containsOnly(Lun.of(4)).hasSize(4);
    }

    @Test
    void the_lists_count_only_when_both_are_present() {
        Map<String, Object> props = conProps();
        props.remove("target_iqns");
        IscsiVolume volume = parse(props);
        assertThat(volume.pluralTargets()).isFalse();
        assertThat(volume.targets()).containsExactly(target(PORTALS.get(0), TGT1, 4));

        props = conProps();
        props.remove("target_portals");
        assertThat(parse(props).targets()).containsExactly(target(PORTALS.get(0), TGT1, 4));
    }

    @Test
    void test_get_ips_iqns_luns_with_target_iqns() {
        IscsiVolume volume = parseMultipath(conProps());

        assertThat(volume.needsDiscovery()).isFalse();
        assertThat(volume.pluralTargets()).isTrue();
        assertThat(volume.targets()).hasSize(4);
    }

    @Test
    void a_multipath_volume_without_the_lists_needs_discovery_from_its_single_target() {
        IscsiVolume volume = parseMultipath(singleConProps());

        assertThat(volume.needsDiscovery()).isTrue();
        assertThat(volume.seed()).isEqualTo(target(PORTALS.get(0), TGT1, 1));
        assertThat(volume.discoveryLuns()).containsExactly(Lun.of(1));
        assertThat(parse(singleConProps()).needsDiscovery()).as("single path never discovers").isFalse();
    }

    @Test
    void test_get_ips_iqns_luns_no_target_iqns_share_iqn() {
        List<Node> discovered = List.of(node("ip1:3260", TGT1), node("ip1:3260", TGT2), node("ip2:3260", TGT1),
                node("ip2:3260", TGT2));

        List<IscsiTarget> resolved = IscsiVolume.resolveDiscovered(discovered, Iqn.of(TGT1),
                List.of(Lun.of(1), Lun.of(1), Lun.of(2), Lun.of(2)));

        assertThat(resolved).containsExactly(target("ip1:3260", TGT1, 1), target("ip2:3260", TGT1, 2));
    }

    @Test
    void test_get_ips_iqns_luns_no_target_iqns_diff_iqn() {
        List<Node> discovered = List.of(node("ip1:3260", TGT1), node("ip2:3260", TGT2));

        List<IscsiTarget> resolved = IscsiVolume.resolveDiscovered(discovered, Iqn.of(TGT1),
                List.of(Lun.of(1), Lun.of(2)));

        assertThat(resolved).containsExactly(target("ip1:3260", TGT1, 1), target("ip2:3260", TGT2, 2));
    }

    @Test
    void one_lun_applies_to_every_discovered_target_and_the_main_iqn_compares_case_insensitively() {
        List<Node> discovered = List.of(node("ip1:3260", TGT1.toUpperCase(java.util.Locale.ROOT)),
                node("ip2:3260", TGT1));

        assertThat(IscsiVolume.resolveDiscovered(discovered, Iqn.of(TGT1), List.of(Lun.of(3))))
                .containsExactly(target("ip1:3260", TGT1, 3), target("ip2:3260", TGT1, 3));
        assertThat(IscsiVolume.resolveDiscovered(List.of(), Iqn.of(TGT1), List.of(Lun.of(3)))).isEmpty();
    }

    @Test
    void discovered_targets_with_a_lun_count_that_fits_neither_one_nor_each_are_invalid_target_luns() {
        List<Node> discovered = List.of(node("ip1:3260", TGT1), node("ip2:3260", TGT1), node("ip3:3260", TGT1));

        InvalidInputException failure = catchThrowableOfType(() -> IscsiVolume.resolveDiscovered(discovered,
                Iqn.of(TGT1), List.of(Lun.of(1), Lun.of(2))), InvalidInputException.class);

        assertThat(failure.key()).isEqualTo("target_luns");
    }

    @Test
    void target_iqns_without_target_portals_turns_the_shared_iqn_heuristic_off() {
        Map<String, Object> props = singleConProps();
        props.put("target_iqns", List.of(TGT1, TGT2));
        IscsiVolume volume = parseMultipath(props);
        List<Node> discovered = List.of(node("ip1:3260", TGT1), node("ip1:3260", TGT2));

        assertThat(volume.needsDiscovery()).isTrue();
        assertThat(volume.targetsFromDiscovery(discovered))
                .containsExactly(target("ip1:3260", TGT1, 1), target("ip1:3260", TGT2, 1));
        assertThat(parseMultipath(singleConProps()).targetsFromDiscovery(discovered))
                .containsExactly(target("ip1:3260", TGT1, 1));
    }

    // ---------------------------------------------------------------------------------------- other keys

    @Test
    void chap_and_discovery_chap_are_read_and_never_shown() {
        Map<String, Object> props = singleConProps();
        props.put("auth_method", "CHAP");
        props.put("auth_username", "user");
        props.put("auth_password", SECRET);
        props.put("discovery_auth_method", "chap");
        props.put("discovery_auth_username", "duser");
        props.put("discovery_auth_password", "D" + SECRET);

        IscsiVolume volume = parse(props);

        Chap chap = volume.chap().orElseThrow();
        assertThat(chap.method()).isEqualTo("CHAP");
        assertThat(chap.username()).isEqualTo("user");
        assertThat(chap.password().reveal()).isEqualTo(SECRET);
        assertThat(chap.usernameIn()).isEmpty();
        assertThat(volume.discoveryChap().orElseThrow().method()).isEqualTo("CHAP");
        assertThat(volume.discoveryChap().orElseThrow().password().reveal()).isEqualTo("D" + SECRET);
        assertThat(volume.toString()).contains("user").doesNotContain(SECRET);
    }

    @Test
    void mutual_chap_is_read_from_the_in_pair() {
        Map<String, Object> props = singleConProps();
        props.put("auth_method", "CHAP");
        props.put("auth_username", "user");
        props.put("auth_password", SECRET);
        props.put("auth_username_in", "target");
        props.put("auth_password_in", "In" + SECRET);

        Chap chap = parse(props).chap().orElseThrow();

        assertThat(chap.usernameIn()).contains("target");
        assertThat(chap.passwordIn().orElseThrow().reveal()).isEqualTo("In" + SECRET);
        assertThat(chap.toString()).doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "None", "none"})
    void no_or_none_auth_method_means_no_chap_even_with_credentials(String method) {
        Map<String, Object> props = singleConProps();
        props.put("auth_method", method);
        props.put("auth_username", "user");

        assertThat(parse(props).chap()).isEmpty();
    }

    @Test
    void the_iface_comes_from_the_connector_or_the_transport_key() {
        ConnectionProperties props = ConnectionProperties.of(singleConProps());
        assertThat(IscsiVolume.parse(props).iface()).isEqualTo("default");
        assertThat(IscsiVolume.parse(props, false, "iser").iface()).isEqualTo("iser");
        assertThat(IscsiVolume.parse(props, false, "tcp").iface()).isEqualTo("default");
        assertThat(IscsiVolume.parse(props, false, "bnx2i.00:05:b5:d2:a0:c2").iface())
                .isEqualTo("bnx2i.00:05:b5:d2:a0:c2");
        Map<String, Object> withKey = singleConProps();
        withKey.put("transport", "iser");
        assertThat(IscsiVolume.parse(ConnectionProperties.of(withKey), false, "default").iface()).isEqualTo("iser");
        assertThat(IscsiVolume.parse(ConnectionProperties.of(withKey), false, "default")
                .node(target(PORTALS.get(0), TGT1, 1)).iface()).isEqualTo("iser");
    }

    @Test
    void informational_keys_are_read() {
        Map<String, Object> props = singleConProps();
        props.put("encrypted", true);
        props.put("enforce_multipath", "true");
        props.put("device_path", "/dev/sdb");
        props.put("scsi_wwn", "360014053b8c2d6119a414f0b8e275d1c");

        IscsiVolume volume = parse(props);

        assertThat(volume.encrypted()).isTrue();
        assertThat(volume.enforceMultipath()).isTrue();
        assertThat(volume.devicePath()).contains("/dev/sdb");
        assertThat(volume.expectedWwid()).contains(Wwid.of("360014053b8c2d6119a414f0b8e275d1c"));
        assertThat(volume.volumeId()).contains("vol_id");
        assertThat(volume.multipath()).isFalse();
        IscsiVolume defaults = parse(Map.of("target_portal", PORTALS.get(0), "target_iqn", TGT1));
        assertThat(defaults.encrypted()).isFalse();
        assertThat(defaults.enforceMultipath()).isFalse();
        assertThat(defaults.devicePath()).isEmpty();
        assertThat(defaults.expectedWwid()).isEmpty();
        assertThat(defaults.chap()).isEmpty();
        assertThat(defaults.discoveryChap()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------- invalid input

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                Arguments.of("no target_portal", edit(singleConProps(), props -> props.remove("target_portal")),
                        "target_portal"),
                Arguments.of("no target_iqn", edit(singleConProps(), props -> props.remove("target_iqn")), "target_iqn"),
                Arguments.of("bad target_portal", edit(singleConProps(), props -> props.put("target_portal", "a b:1")),
                        "target_portal"),
                Arguments.of("bad target_iqn", edit(singleConProps(), props -> props.put("target_iqn", "tgt1")),
                        "target_iqn"),
                Arguments.of("negative target_lun", edit(singleConProps(), props -> props.put("target_lun", -1)),
                        "target_lun"),
                Arguments.of("target_lun over 2^64-1 after SAM3-flat", edit(singleConProps(), props -> {
                    props.put("target_lun", new BigInteger("18446744073709551615"));
                    props.put("addressing_mode", "SAM3-flat");
                }), "target_lun"),
                Arguments.of("bad addressing_mode", edit(singleConProps(), props -> props.put("addressing_mode", "sam")),
                        "addressing_mode"),
                Arguments.of("bad target_portals[1]", edit(conProps(),
                        props -> props.put("target_portals", List.of("10.0.0.1:3260", "10.0.0.2:99999"))),
                        "target_portals[1]"),
                Arguments.of("bad target_iqns[2]", edit(conProps(),
                        props -> props.put("target_iqns", List.of(TGT1, TGT2, "x", TGT4))), "target_iqns[2]"),
                Arguments.of("target_portals not a list", edit(conProps(),
                        props -> props.put("target_portals", "10.0.0.1:3260")), "target_portals"),
                Arguments.of("empty target_portals", edit(conProps(), props -> {
                    props.put("target_portals", List.of());
                    props.put("target_iqns", List.of());
                }), "target_portals"),
                Arguments.of("shorter target_iqns", edit(conProps(),
                        props -> props.put("target_iqns", List.of(TGT1, TGT2, TGT3))), "target_iqns"),
                Arguments.of("longer target_luns", edit(conProps(),
                        props -> props.put("target_luns", List.of(1, 2, 3, 4, 5))), "target_luns"),
                Arguments.of("negative target_luns[1]", edit(conProps(),
                        props -> props.put("target_luns", List.of(1, -2, 3, 4))), "target_luns[1]"),
                Arguments.of("SAM3-flat overflow in target_luns[3]", edit(conProps(), props -> {
                    props.put("addressing_mode", "SAM3-flat");
                    props.put("target_luns", List.of(1, 2, 3, new BigInteger("18446744073709551615")));
                }), "target_luns[3]"),
                Arguments.of("lists without any LUN", edit(conProps(), props -> {
                    props.remove("target_luns");
                    props.remove("target_lun");
                }), "target_luns"),
                Arguments.of("auth_method without auth_username", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_password", SECRET);
                }), "auth_username"),
                Arguments.of("auth_method without auth_password", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                }), "auth_password"),
                Arguments.of("empty auth_password", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                    props.put("auth_password", "");
                }), "auth_password"),
                Arguments.of("auth_password with a line break", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                    props.put("auth_password", SECRET + "\nnode.startup = automatic");
                }), "auth_password"),
                Arguments.of("auth_password over 255 bytes", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                    props.put("auth_password", SECRET.repeat(20));
                }), "auth_password"),
                Arguments.of("auth_password not a string", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                    props.put("auth_password", 12345);
                }), "auth_password"),
                Arguments.of("unknown auth_method", edit(singleConProps(), props -> {
                    props.put("auth_method", "MD5");
                    props.put("auth_username", "user");
                    props.put("auth_password", SECRET);
                }), "auth_method"),
                Arguments.of("auth_username_in without auth_password_in", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                    props.put("auth_password", SECRET);
                    props.put("auth_username_in", "target");
                }), "auth_password_in"),
                Arguments.of("auth_password_in without auth_username_in", edit(singleConProps(), props -> {
                    props.put("auth_method", "CHAP");
                    props.put("auth_username", "user");
                    props.put("auth_password", SECRET);
                    props.put("auth_password_in", SECRET);
                }), "auth_username_in"),
                Arguments.of("discovery_auth_method without discovery_auth_password", edit(singleConProps(), props -> {
                    props.put("discovery_auth_method", "CHAP");
                    props.put("discovery_auth_username", "user");
                }), "discovery_auth_password"),
                Arguments.of("bad transport", edit(singleConProps(), props -> props.put("transport", "../../etc")),
                        "transport"),
                Arguments.of("bad enforce_multipath", edit(singleConProps(),
                        props -> props.put("enforce_multipath", "maybe")), "enforce_multipath"),
                Arguments.of("bad encrypted", edit(singleConProps(), props -> props.put("encrypted", 1)), "encrypted"),
                Arguments.of("bad scsi_wwn", edit(singleConProps(), props -> props.put("scsi_wwn", "a b")), "scsi_wwn"),
                Arguments.of("bad target_luns in the single case", edit(singleConProps(),
                        props -> props.put("target_luns", List.of("x"))), "target_luns[0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidInputs")
    void invalid_input_names_the_key_and_never_repeats_the_secret(String what, Map<String, Object> props, String key) {
        InvalidInputException failure = invalid(props);

        assertThat(failure).as(what).isNotNull();
        assertThat(failure.key()).isEqualTo(key);
        assertThat(failure.getMessage()).doesNotContain(SECRET);
        assertThat(failure.evidence().values()).noneMatch(value -> value.contains(SECRET));
        assertThat(failure.retriable()).isFalse();
    }

    private static Map<String, Object> edit(Map<String, Object> props, java.util.function.Consumer<Map<String, Object>> change) {
        change.accept(props);
        return props;
    }
}

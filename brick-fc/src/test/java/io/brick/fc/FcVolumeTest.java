package io.brick.fc;

import io.brick.core.error.InvalidInputException;
import io.brick.core.model.ConnectionProperties;
import io.brick.core.model.Lun;
import io.brick.core.model.LunAddressing;
import io.brick.core.model.Wwid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reading FC connection properties: os-brick's {@code test__add_targets_to_connection_properties} (its 11 ddt cases
 * and the table of {@code shared/reference/os-brick-behaviour.md} §2.2), and brick's stricter checks.
 */
class FcVolumeTest {
    private static final String A = "1234567890123456";
    private static final String B = "1234567890123457";

    private static FcVolume parse(String json) {
        return FcVolume.parse(ConnectionProperties.parseJson(json));
    }

    private static List<String> pairs(FcVolume volume) {
        return volume.targets().stream().map(target -> target.wwpn() + "," + target.lun()).toList();
    }

    /** Each row: the properties, then the expected (WWPN,LUN) pairs separated by {@code ;}. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"target_lun": 1, "target_wwn": "1234567890123456"}                                   | 1234567890123456,1
            {"target_lun": 1, "target_wwn": ["1234567890123456", "1234567890123457"]}             | 1234567890123456,1;1234567890123457,1
            {"target_luns": [1, 2], "target_wwn": ["1234567890123456", "1234567890123457"]}       | 1234567890123456,1;1234567890123457,2
            {"target_luns": [1, 2], "target_wwns": ["1234567890123456", "1234567890123457"]}      | 1234567890123456,1;1234567890123457,2
            {"target_lun": 7, "target_luns": [1, 1], "target_wwn": "foo", "target_wwns": ["1234567890123456", "1234567890123457"]} | 1234567890123456,1;1234567890123457,1
            {"target_lun": 1, "target_wwns": ["1234567890123456"]}                                | 1234567890123456,1
            {"target_luns": [3], "target_wwns": ["1234567890123456", "1234567890123457"]}         | 1234567890123456,3;1234567890123457,3
            {"target_wwn": "1234567890123456"}                                                    | 1234567890123456,0
            {"target_lun": 1, "target_wwn": "123456789012345A"}                                   | 123456789012345a,1
            {"target_lun": 1, "target_wwn": "0x12:34:56:78:90:12:34:56"}                          | 1234567890123456,1
            {"target_lun": 1, "target_wwns": [], "target_wwn": ["1234567890123456"]}              | 1234567890123456,1
            {"target_lun": 2, "target_luns": [], "target_wwn": ["1234567890123456"]}              | 1234567890123456,2
            """)
    void test__add_targets_to_connection_properties(String json, String expected) {
        assertThat(pairs(parse(json))).containsExactlyElementsOf(Arrays.asList(expected.split(";")));
    }

    @Test
    void test__add_targets_to_connection_properties_initiator_target_map_is_lower_cased_with_luns() {
        FcVolume volume = parse("""
                {"target_luns": [1, 2], "target_wwns": ["20320002AC01E166", "20420002AC01E166"],
                 "initiator_target_map": {"10001409DCD71FF6": ["20320002AC01E166", "20420002AC01E166"],
                                          "10001409DCD71FF7": ["20420002AC01E166"]}}""");

        assertThat(volume.wwpns()).containsExactly("20320002ac01e166", "20420002ac01e166");
        assertThat(volume.initiatorTargets()).contains(Map.of(
                "10001409dcd71ff6", List.of(new FcTarget("20320002ac01e166", Lun.of(1)),
                        new FcTarget("20420002ac01e166", Lun.of(2))),
                "10001409dcd71ff7", List.of(new FcTarget("20420002ac01e166", Lun.of(2)))));
        assertThat(volume.scans("10001409dcd71ff7")).isTrue();
        assertThat(volume.scans("10001409dcd71ff8")).isFalse();
        assertThat(volume.targetsFor("10001409dcd71ff8")).as("an HBA outside the map would scan every target")
                .hasSize(2);
    }

    @Test
    void unknown_targets_in_the_initiator_map_are_dropped_with_a_warning() {
        try (CapturedLogs logs = CapturedLogs.of(FcVolume.class)) {
            FcVolume volume = parse("""
                    {"target_lun": 1, "target_wwn": "%s", "initiator_target_map": {"%s": ["%s", "%s"]}}"""
                    .formatted(A, "1000000000000001", A, B));

            assertThat(volume.targetsFor("1000000000000001")).containsExactly(new FcTarget(A, Lun.of(1)));
            assertThat(logs.messages()).anyMatch(line -> line.contains("unknown targets") && line.contains(B));
        }
    }

    @Test
    void the_callers_properties_are_never_changed() {
        String json = """
                {"target_lun": 1, "target_wwn": "ABCDEF0123456789", "initiator_target_map": {"AAAAAAAAAAAAAAAA": ["ABCDEF0123456789"]}}""";
        ConnectionProperties properties = ConnectionProperties.parseJson(json);
        Map<String, Object> before = properties.asMap();

        FcVolume.parse(properties);

        assertThat(properties.asMap()).isEqualTo(before).doesNotContainKeys("targets", "initiator_target_lun_map");
        assertThat(properties.string("target_wwn")).contains("ABCDEF0123456789");
    }

    @Test
    void luns_follow_the_addressing_mode() {
        assertThat(parse("""
                {"target_lun": 256, "target_wwn": "%s", "addressing_mode": "SAM2"}""".formatted(A)).targets())
                .containsExactly(new FcTarget(A, Lun.of(16640)));
        assertThat(parse("""
                {"target_lun": 2, "target_wwn": "%s", "addressing_mode": "SAM3-flat"}""".formatted(A)).addressing())
                .isEqualTo(LunAddressing.SAM3_FLAT);
    }

    @Test
    void wildcard_scans_are_allowed_unless_the_driver_says_no() {
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s"}""".formatted(A)).wildcardScan()).isTrue();
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s", "enable_wildcard_scan": false}""".formatted(A)).wildcardScan())
                .isFalse();
    }

    @Test
    void brick_reads_the_expected_wwid_access_mode_and_volume_id() {
        FcVolume volume = parse("""
                {"target_lun": 1, "target_wwn": "%s", "scsi_wwn": "3600a0980383030", "access_mode": "ro",
                 "volume_id": "vol-1"}""".formatted(A));

        assertThat(volume.expectedWwid()).contains(Wwid.of("3600a0980383030"));
        assertThat(volume.readOnly()).isTrue();
        assertThat(volume.volumeId()).contains("vol-1");
    }

    @Test
    void a_scsi_wwn_that_is_no_wwid_is_invalid_input_and_a_blank_one_is_unknown() {
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": "%s", "scsi_wwn": "a b"}""".formatted(A)))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("scsi_wwn: ");
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s", "scsi_wwn": " "}""".formatted(A)).expectedWwid()).isEmpty();
    }

    @Test
    void a_wwn_that_is_not_16_hex_digits_is_invalid_input_naming_the_key() {
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": ["%s", "12345678901234zz"]}""".formatted(A)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target_wwn[1]");
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": "$(reboot)"}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target_wwn");
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": "%s", "initiator_target_map": {"nothex": ["%s"]}}""".formatted(A, A)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("initiator_target_map.nothex");
    }

    @Test
    void an_integer_wwn_or_no_wwn_is_invalid_input() {
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": 1234567890123456}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target_wwn");
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target_wwn");
    }

    @Test
    void luns_that_fit_neither_one_nor_one_per_wwpn_are_invalid_input() {
        assertThatThrownBy(() -> parse("""
                {"target_luns": [1, 2, 3], "target_wwns": ["%s", "%s"]}""".formatted(A, B)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("target_luns").hasMessageContaining("Unable to find potential volume paths");
    }

    @Test
    void the_description_names_the_volume_its_first_target_and_how_many_more() {
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": ["%s", "%s"], "volume_id": "vol-1"}""".formatted(A, B)).description())
                .isEqualTo("volume vol-1 (FC 0x" + A + " LUN 1 and 1 more)");
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s"}""".formatted(A)).description()).isEqualTo("(FC 0x" + A + " LUN 1)");
    }

    @Test
    void only_access_mode_ro_is_read_only_and_a_blank_device_path_is_none() {
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s", "access_mode": "rw"}""".formatted(A)).readOnly()).isFalse();
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s"}""".formatted(A)).readOnly()).isFalse();
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s", "device_path": " "}""".formatted(A)).devicePath()).isEmpty();
        assertThat(parse("""
                {"target_lun": 1, "target_wwn": "%s", "device_path": "/dev/sdb"}""".formatted(A)).devicePath())
                .contains("/dev/sdb");
    }

    @Test
    void a_wrong_wwn_is_named_by_its_index_exactly_when_the_key_holds_a_list() {
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": "12345678901234zz"}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("target_wwn: ");
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": ["12345678901234zz"]}"""))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("target_wwn[0]: ");
    }

    @Test
    void an_initiator_with_no_targets_scans_for_none_and_a_number_is_invalid_input() {
        FcVolume volume = parse("""
                {"target_lun": 1, "target_wwn": "%s", "initiator_target_map": {"%s": null}}""".formatted(A, B));
        assertThat(volume.targetsFor(B)).isEmpty();
        assertThatThrownBy(() -> parse("""
                {"target_lun": 1, "target_wwn": "%s", "initiator_target_map": {"%s": 7}}""".formatted(A, B)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("initiator_target_map." + B);
    }
}

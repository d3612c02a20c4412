package io.brick.multipath;

import io.brick.testkit.snapshot.RecordedTree;

import io.brick.core.error.HostStateException;
import io.brick.multipath.MultipathdTableParser.JsonMap;
import io.brick.multipath.MultipathdTableParser.JsonPath;
import io.brick.testkit.snapshot.Recordings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipathdTableParserTest {
    private static final String WWID = "360014053b8c2d6119a414f0b8e275d1c";

    @Test
    void readsShowPathsWithTheNextCheckColumnWhole() {
        List<Map<String, String>> rows = MultipathdTableParser.parseTable(
                RecordedTree.of(Recordings.B_TWO_PORTALS_ONE_LUN).stdout("multipathd show paths"));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).entrySet()).containsExactly(entry("hcil", "2:0:0:1"), entry("dev", "sda"),
                entry("dev_t", "8:0"), entry("pri", "50"), entry("dm_st", "active"), entry("chk_st", "ready"),
                entry("dev_st", "running"), entry("next_check", "XXXXX..... 2/4"));
        assertThat(rows.get(1)).containsEntry("dev", "sdb").containsEntry("hcil", "3:0:0:1")
                .containsEntry("next_check", "XXXXX..... 2/4");
    }

    @Test
    void readsNextCheckValuesOfDifferentProgress() {
        List<Map<String, String>> rows = MultipathdTableParser.parseTable(
                RecordedTree.of(Recordings.OSBRICK_ATTACHED).stdout("multipathd show paths"));

        assertThat(rows).extracting(row -> row.get("dev") + " " + row.get("next_check"))
                .containsExactly("sda XX........ 1/4", "sdb XXXXXXX... 3/4");
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void showMapsAndShowPathsAgreeWithSysfs(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<Map<String, String>> maps = MultipathdTableParser.parseTable(host.stdout("multipathd show maps"));
        List<Map<String, String>> paths = MultipathdTableParser.parseTable(host.stdout("multipathd show paths"));

        assertThat(maps).singleElement().satisfies(map -> {
            assertThat(map.keySet()).containsExactly("name", "sysfs", "uuid");
            assertThat(map.get("name")).isEqualTo(host.sysfs("/sys/block/" + map.get("sysfs") + "/dm/name"));
            assertThat("mpath-" + map.get("uuid")).isEqualTo(host.sysfs("/sys/block/dm-0/dm/uuid"));
            assertThat(paths).extracting(path -> path.get("dev"))
                    .containsExactlyInAnyOrderElementsOf(host.list("/sys/block/" + map.get("sysfs") + "/slaves"));
        });
        for (Map<String, String> path : paths) {
            assertThat(host.link("/sys/block/" + path.get("dev"))).contains("/" + path.get("hcil") + "/block/");
            assertThat(path.get("dev_t")).isEqualTo(host.sysfs("/sys/block/" + path.get("dev") + "/dev"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.E_AFTER_DISCONNECT, Recordings.OSBRICK_AFTER_DISCONNECT})
    void theOkAnswerOfAnEmptyTableHasNoRows(String recording) {
        RecordedTree host = RecordedTree.of(recording);
        assertThat(host.stdout("multipathd show maps").strip()).isEqualTo("ok");

        assertThat(MultipathdTableParser.parseTable(host.stdout("multipathd show maps"))).isEmpty();
        assertThat(MultipathdTableParser.parseTable(host.stdout("multipathd show paths"))).isEmpty();
    }

    @Test
    void aMissingValueIsEmptyAndAShortHeaderGivesNoRows() {
        String stdout = """
                hcil    dev dev_t pri dm_st  chk_st dev_st  next_check
                #:#:#:# sdx 8:112 1   failed faulty offline
                """;

        assertThat(MultipathdTableParser.parseTable(stdout)).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("hcil", "#:#:#:#").containsEntry("dev_st", "offline")
                    .containsEntry("next_check", "");
        });
        assertThat(MultipathdTableParser.parseTable("fail\n")).isEmpty();
        assertThat(MultipathdTableParser.parseTable("")).isEmpty();
    }

    @Test
    void readsOneDeviceNamePerLineOfARawFormat() {
        assertThat(MultipathdTableParser.parseRawValues("sda\nsdb\n")).containsExactly("sda", "sdb");
        assertThat(MultipathdTableParser.parseRawValues("")).isEmpty();
        assertThat(MultipathdTableParser.parseRawValues("ok\n")).isEmpty();
        assertThat(MultipathdTableParser.parseRawValues("Oct 13 10:24:01 | something\nsdc \n\n")).containsExactly("sdc");
    }

    @Test
    void readsARawFormatOfSeveralFields() {
        String format = MultipathdTableParser.rawFormat(List.of("%d", "%w", "%t", "%s"));
        assertThat(format).isEqualTo("%d|%w|%t|%s");
        String stdout = """
                sda|360014053b8c2d6119a414f0b8e275d1c|active|LIO-ORG,lun1,4.0
                sdb|360014053b8c2d6119a414f0b8e275d1c|active|odd|vendor
                broken line
                """;

        List<Map<String, String>> rows = MultipathdTableParser.parseRaw(stdout, List.of("dev", "wwid", "dm_st", "vpr"));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).entrySet()).containsExactly(entry("dev", "sda"), entry("wwid", WWID),
                entry("dm_st", "active"), entry("vpr", "LIO-ORG,lun1,4.0"));
        assertThat(rows.get(1)).containsEntry("vpr", "odd|vendor");
    }

    @Test
    void refusesARawFormatItCouldNotReadBack() {
        assertThatThrownBy(() -> MultipathdTableParser.rawFormat(List.of("%d", "%w|%t")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipathdTableParser.rawFormat(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {Recordings.A_SINGLE_PORTAL_ONE_LUN, Recordings.B_TWO_PORTALS_ONE_LUN,
            Recordings.OSBRICK_ATTACHED})
    void readsShowMapsJsonLikeTheTable(String recording) {
        RecordedTree host = RecordedTree.of(recording);

        List<JsonMap> maps = MultipathdTableParser.parseMapsJson(host.stdout("multipathd show maps json"));
        List<Map<String, String>> paths = MultipathdTableParser.parseTable(host.stdout("multipathd show paths"));

        assertThat(maps).singleElement().satisfies(map -> {
            assertThat(map.name()).isEqualTo(WWID);
            assertThat(map.uuid()).contains(WWID);
            assertThat(map.sysfs()).contains("dm-0");
            assertThat(map.text("features")).contains("1 queue_if_no_path");
            assertThat(map.fields()).doesNotContainKey("path_groups");
            assertThat(map.pathGroups()).singleElement().satisfies(group -> {
                assertThat(group.text("selector")).contains("service-time 0");
                assertThat(group.number("pri")).hasValue(50);
                assertThat(group.fields()).doesNotContainKey("paths");
            });
            assertThat(map.paths()).extracting(path -> path.device() + " " + path.text("dev_t").orElseThrow() + " "
                            + path.text("chk_st").orElseThrow())
                    .containsExactlyElementsOf(paths.stream()
                            .map(row -> row.get("dev") + " " + row.get("dev_t") + " " + row.get("chk_st")).toList());
            assertThat(map.paths()).extracting(JsonPath::fields).allSatisfy(fields -> assertThat(fields)
                    .containsEntry("target_wwnn", "iqn.2003-01.org.linux-iscsi.labvm:target1"));
        });
    }

    @Test
    void readsNoMapsFromTheEmptyJsonOfACleanHost() {
        assertThat(MultipathdTableParser.parseMapsJson(
                RecordedTree.of(Recordings.E_AFTER_DISCONNECT).stdout("multipathd show maps json"))).isEmpty();
    }

    @Test
    void readsTheSingleMapOfShowMapJsonAndSkipsNamelessEntries() {
        String stdout = """
                {"major_version": 0, "minor_version": 1,
                 "map": {"name": "mpatha", "uuid": "3600a", "path_groups": [
                    {"selector": "round-robin 0", "pri": 1, "paths": [{"dev": "sdc", "pri": 1}, {"pri": 2}, 7]},
                    "not a group"]}}
                """;

        assertThat(MultipathdTableParser.parseMapsJson(stdout)).singleElement().satisfies(map -> {
            assertThat(map.name()).isEqualTo("mpatha");
            assertThat(map.pathGroups()).singleElement().satisfies(group ->
                    assertThat(group.paths()).extracting(JsonPath::device).containsExactly("sdc"));
            assertThat(map.paths().get(0).number("pri")).hasValue(1);
            assertThat(map.paths().get(0).number("dev")).isEmpty();
        });
        assertThat(MultipathdTableParser.parseMapsJson("{\"maps\": [{\"uuid\": \"x\"}, 3]}")).isEmpty();
    }

    @Test
    void anAnswerThatIsNotMultipathdsJsonIsAnErrorNotAnEmptyList() {
        assertThatThrownBy(() -> MultipathdTableParser.parseMapsJson("error receiving packet"))
                .isInstanceOf(HostStateException.class).hasMessageContaining("could not be read");
        assertThatThrownBy(() -> MultipathdTableParser.parseMapsJson("ok"))
                .isInstanceOf(HostStateException.class);
        assertThatThrownBy(() -> MultipathdTableParser.parseMapsJson("[]"))
                .isInstanceOf(HostStateException.class).hasMessageContaining("neither");
    }
}

package io.brick.core.model;

import io.brick.core.error.InvalidInputException;
import io.brick.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionPropertiesTest {
    private static final String MULTIPATH_DATA = """
            {"target_luns": [0, 2],
             "target_iqns": ["iqn.2000-05.com.3pardata:20810002ac00383d",
                             "iqn.2000-05.com.3pardata:21810002ac00383d"],
             "target_discovered": true, "encrypted": false, "qos_specs": null,
             "target_portals": ["10.52.1.11:3260", "10.52.2.11:3260"],
             "access_mode": "rw"}""";

    @Test
    void readsTheWholeConnectionInfo() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"driver_volume_type\": \"iscsi\", \"data\": " + MULTIPATH_DATA + "}");

        assertThat(properties.driverVolumeType()).contains("iscsi");
        assertThat(properties.stringList("target_portals")).contains(List.of("10.52.1.11:3260", "10.52.2.11:3260"));
        assertThat(properties.lunList("target_luns")).contains(List.of(Lun.of(0), Lun.of(2)));
        assertThat(properties.has("driver_volume_type")).isFalse();
    }

    @Test
    void readsTheBareDataObject() {
        ConnectionProperties properties = ConnectionProperties.parseJson(MULTIPATH_DATA);

        assertThat(properties.driverVolumeType()).isEmpty();
        assertThat(properties.asMap().keySet()).containsExactly("target_luns", "target_iqns", "target_discovered",
                "encrypted", "qos_specs", "target_portals", "access_mode");
        assertThat(properties.bool("target_discovered")).contains(true);
        assertThat(properties.string("access_mode")).contains("rw");
    }

    @Test
    void treatsADataKeyWithoutDriverVolumeTypeAsData() {
        ConnectionProperties properties = ConnectionProperties.parseJson("{\"data\": {\"a\": 1}, \"target_lun\": 3}");

        assertThat(properties.requiredLun("target_lun")).isEqualTo(Lun.of(3));
        assertThat(properties.object("data")).contains(Map.of("a", BigDecimal.ONE));
    }

    @Test
    void checksTheWrapperItRecognises() {
        InvalidInput.expect("data", () -> ConnectionProperties.parseJson("{\"driver_volume_type\": \"iscsi\", \"data\": [1]}"));
        InvalidInput.expect("driver_volume_type",
                () -> ConnectionProperties.parseJson("{\"driver_volume_type\": 1, \"data\": {}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "target_lun=1", "{target_lun: 1}", "{\"target_lun\": 1", "{\"a\":1}{}",
            "{\"target_lun\": 1, \"target_lun\": 2}"})
    void rejectsANonJsonPropertiesText(String text) {
        InvalidInput.expect("properties", () -> ConnectionProperties.parseJson(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"x\"", "1", "null", "true", "[]"})
    void rejectsANonObjectPropertiesText(String text) {
        assertThat(InvalidInput.expect("properties", () -> ConnectionProperties.parseJson(text)).getMessage())
                .contains("expected a JSON object");
    }

    @Test
    void countsNullAsAbsent() {
        ConnectionProperties properties = ConnectionProperties.parseJson("{\"target_lun\": null, \"auth_method\": null}");

        assertThat(properties.has("target_lun")).isFalse();
        assertThat(properties.has("nothing")).isFalse();
        assertThat(properties.lun("target_lun")).isEmpty();
        assertThat(properties.string("auth_method")).isEmpty();
        InvalidInput.expect("target_lun", () -> properties.requiredLun("target_lun"));
        InvalidInput.expect("target_iqn", () -> properties.requiredString("target_iqn"));
    }

    @Test
    void requiresANonEmptyString() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"target_iqn\": \"iqn.2001-04.com.example:a\", \"empty\": \"\", \"blank\": \"  \", \"number\": 1}");

        assertThat(properties.requiredString("target_iqn")).isEqualTo("iqn.2001-04.com.example:a");
        InvalidInput.expect("empty", () -> properties.requiredString("empty"));
        InvalidInput.expect("blank", () -> properties.requiredString("blank"));
        assertThat(InvalidInput.expect("number", () -> properties.requiredString("number")).getMessage())
                .contains("expected a string, found a number");
    }

    @Test
    void readsLunsFromNumbersAndDigitStrings() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"a\": 1, \"b\": \"1\", \"c\": 18446744073709551615, \"d\": 1.0, \"e\": 2e2, \"f\": 0}");

        assertThat(properties.lun("a")).contains(Lun.of(1));
        assertThat(properties.lun("b")).contains(Lun.of(1));
        assertThat(properties.lun("c").map(Lun::toString)).contains("18446744073709551615");
        assertThat(properties.lun("d")).contains(Lun.of(1));
        assertThat(properties.lun("e")).contains(Lun.of(200));
        assertThat(properties.lun("f")).contains(Lun.of(0));
    }

    @Test
    void rejectsANegativeLun() {
        ConnectionProperties properties = ConnectionProperties.parseJson("{\"target_lun\": -1, \"s\": \"-3\"}");

        assertThat(InvalidInput.expect("target_lun", () -> properties.lun("target_lun")).getMessage()).contains("negative");
        assertThat(InvalidInput.expect("s", () -> properties.lun("s")).getMessage()).contains("negative");
    }

    @Test
    void rejectsALunOverTwoToTheSixtyFourMinusOne() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"target_lun\": 18446744073709551616, \"s\": \"18446744073709551616\", \"huge\": 1e999999999}");

        assertThat(InvalidInput.expect("target_lun", () -> properties.lun("target_lun")).getMessage()).contains("2^64-1");
        InvalidInput.expect("s", () -> properties.lun("s"));
        InvalidInput.expect("huge", () -> properties.lun("huge"));
    }

    @Test
    void rejectsALunThatIsNotAWholeNumber() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"a\": 1.5, \"b\": \"1.5\", \"c\": true, \"d\": [1], \"e\": \"one\", \"f\": 1e-1}");

        for (String key : List.of("a", "b", "c", "d", "e", "f")) {
            InvalidInput.expect(key, () -> properties.lun(key));
        }
    }

    @Test
    void namesTheElementOfAListInErrors() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"target_luns\": [0, -1], \"target_portals\": [\"a\", \"b\", 3], \"with_null\": [\"a\", null]}");

        InvalidInput.expect("target_luns[1]", () -> properties.lunList("target_luns"));
        InvalidInput.expect("target_portals[2]", () -> properties.stringList("target_portals"));
        InvalidInput.expect("with_null[1]", () -> properties.stringList("with_null"));
        InvalidInput.expect("target_portals[2]", () -> properties.stringOrList("target_portals"));
    }

    @Test
    void doesNotTakeASingleStringForAList() {
        ConnectionProperties properties = ConnectionProperties.parseJson("{\"target_portals\": \"10.0.0.1:3260\"}");

        InvalidInput.expect("target_portals", () -> properties.stringList("target_portals"));
        InvalidInput.expect("target_portals", () -> properties.lunList("target_portals"));
    }

    @Test
    void readsAStringOrAListAsAList() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"one\": \"20210002AC00383D\", \"two\": [\"20210002AC00383D\", \"20220002AC00383D\"], \"int\": 5}");

        assertThat(properties.stringOrList("one")).contains(List.of("20210002AC00383D"));
        assertThat(properties.stringOrList("two")).contains(List.of("20210002AC00383D", "20220002AC00383D"));
        assertThat(properties.stringOrList("absent")).isEmpty();
        InvalidInput.expect("int", () -> properties.stringOrList("int"));
    }

    @Test
    void readsBooleansAndTheirStringForms() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"a\": true, \"b\": \"false\", \"c\": \"True\", \"d\": \"yes\", \"e\": 1}");

        assertThat(properties.bool("a")).contains(true);
        assertThat(properties.bool("b")).contains(false);
        assertThat(properties.bool("c")).contains(true);
        InvalidInput.expect("d", () -> properties.bool("d"));
        InvalidInput.expect("e", () -> properties.bool("e"));
    }

    @Test
    void readsObjects() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"initiator_target_map\": {\"100010604b010459\": [\"20210002AC00383D\"]}, \"x\": []}");

        assertThat(properties.object("initiator_target_map"))
                .contains(Map.of("100010604b010459", List.of("20210002AC00383D")));
        InvalidInput.expect("x", () -> properties.object("x"));
    }

    @Test
    void readsTheAddressingMode() {
        assertThat(ConnectionProperties.parseJson("{}").addressingMode()).isEqualTo(LunAddressing.SAM);
        assertThat(ConnectionProperties.parseJson("{\"addressing_mode\": null}").addressingMode())
                .isEqualTo(LunAddressing.SAM);
        assertThat(ConnectionProperties.parseJson("{\"addressing_mode\": \"SAM3-flat\"}").addressingMode())
                .isEqualTo(LunAddressing.SAM3_FLAT);
        InvalidInput.expect("addressing_mode",
                () -> ConnectionProperties.parseJson("{\"addressing_mode\": \"flat\"}").addressingMode());
        InvalidInput.expect("addressing_mode",
                () -> ConnectionProperties.parseJson("{\"addressing_mode\": 2}").addressingMode());
    }

    @Test
    void readsSecretsWithoutShowingThem() {
        ConnectionProperties properties = ConnectionProperties.parseJson(
                "{\"auth_password\": \"hunter2\", \"bad_password\": 12345678}");

        Optional<Secret> secret = properties.secret("auth_password");

        assertThat(secret.map(Secret::reveal)).contains("hunter2");
        assertThat(secret.toString()).doesNotContain("hunter2");
        InvalidInputException error = InvalidInput.expect("bad_password", () -> properties.secret("bad_password"));
        assertThat(error.getMessage()).doesNotContain("12345678");
        assertThat(error.evidence().values()).noneMatch(value -> value.contains("12345678"));
    }

    @Test
    void neverShowsASecretInToString() {
        ConnectionProperties properties = ConnectionProperties.parseJson("""
                {"auth_method": "CHAP", "auth_username": "user", "auth_password": "hunter2",
                 "discovery_auth_password": "s3cr3t-d1sc", "Chap_Secret": "sekrit",
                 "nested": {"Password": "p4ss", "list": [{"client_secret": "zzyzx"}]},
                 "passwords": ["l1", "l2"], "token": "t0k3n", "empty_password": null}""");

        String shown = properties.toString();

        assertThat(shown).isEqualTo(properties.toMaskedJson());
        assertThat(shown).doesNotContain("hunter2", "s3cr3t-d1sc", "sekrit", "p4ss", "zzyzx", "l1", "l2", "t0k3n");
        assertThat(shown).contains("\"auth_password\":\"***\"", "\"discovery_auth_password\":\"***\"",
                "\"Chap_Secret\":\"***\"", "\"Password\":\"***\"", "\"client_secret\":\"***\"", "\"passwords\":\"***\"",
                "\"auth_username\":\"user\"", "\"auth_method\":\"CHAP\"", "\"empty_password\":null");
    }

    @Test
    void knowsSecretBearingKeys() {
        assertThat(ConnectionProperties.isSecretKey("auth_password")).isTrue();
        assertThat(ConnectionProperties.isSecretKey("DISCOVERY_AUTH_PASSWORD")).isTrue();
        assertThat(ConnectionProperties.isSecretKey("secret_uuid")).isTrue();
        assertThat(ConnectionProperties.isSecretKey("auth_username")).isFalse();
        assertThat(ConnectionProperties.isSecretKey("target_iqn")).isFalse();
    }

    @Test
    void keepsNumbersAsGivenInTheMaskedJson() {
        assertThat(ConnectionProperties.parseJson("{\"target_lun\": 1, \"x\": 1.50, \"n\": null}").toMaskedJson())
                .isEqualTo("{\"target_lun\":1,\"x\":1.50,\"n\":null}");
    }

    @Test
    void convertsJavaValuesWhenBuiltFromAMap() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", 1);
        nested.put("a", null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("int", 7);
        data.put("long", 8L);
        data.put("big", new BigInteger("18446744073709551615"));
        data.put("double", 0.5d);
        data.put("null", null);
        data.put("list", new ArrayList<>(Arrays.asList(1, "x", null)));
        data.put("map", nested);

        ConnectionProperties properties = ConnectionProperties.of(data);

        assertThat(properties.asMap().get("int")).isEqualTo(BigDecimal.valueOf(7));
        assertThat(properties.asMap().get("long")).isEqualTo(BigDecimal.valueOf(8));
        assertThat(properties.lun("big").map(Lun::toString)).contains("18446744073709551615");
        assertThat(properties.asMap().get("double")).isEqualTo(new BigDecimal("0.5"));
        assertThat(properties.asMap().get("null")).isSameAs(Json.NULL);
        assertThat(properties.has("null")).isFalse();
        assertThat(properties.asMap().get("list")).isEqualTo(List.of(BigDecimal.ONE, "x", Json.NULL));
        assertThat(properties.object("map").orElseThrow().keySet()).containsExactly("z", "a");
        InvalidInput.expect("list[1]", () -> properties.lunList("list"));
    }

    @Test
    void copiesTheMapItIsGiven() {
        List<Object> luns = new ArrayList<>(List.of(1, 2));
        Map<String, Object> data = new HashMap<>();
        data.put("target_luns", luns);

        ConnectionProperties properties = ConnectionProperties.of(data);
        luns.add(3);
        data.put("target_lun", 4);

        assertThat(properties.lunList("target_luns")).contains(List.of(Lun.of(1), Lun.of(2)));
        assertThat(properties.has("target_lun")).isFalse();
        assertThatThrownBy(() -> properties.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsJavaValuesJsonCannotHold() {
        InvalidInput.expect("x", () -> ConnectionProperties.of(Map.of("x", Double.NaN)));
        InvalidInput.expect("x", () -> ConnectionProperties.of(Map.of("x", new Object())));
        InvalidInput.expect("x", () -> ConnectionProperties.of(Map.of("x", Secret.of("hunter2"))));
        InvalidInput.expect("outer.inner[1]",
                () -> ConnectionProperties.of(Map.of("outer", Map.of("inner", List.of(1, Optional.empty())))));
        InvalidInput.expect("outer", () -> ConnectionProperties.of(Map.of("outer", Map.of(1, 2))));
    }

    @Test
    void rejectsACycleInsteadOfOverflowingTheStack() {
        Map<String, Object> cycle = new HashMap<>();
        cycle.put("self", cycle);

        assertThatThrownBy(() -> ConnectionProperties.of(cycle)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void isEqualWhenTheDataIsEqual() {
        ConnectionProperties parsed = ConnectionProperties.parseJson("{\"target_lun\": 1, \"target_iqn\": \"x\"}");
        ConnectionProperties built = ConnectionProperties.of(Map.of("target_lun", 1, "target_iqn", "x"));

        assertThat(parsed).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(parsed).isNotEqualTo(ConnectionProperties.parseJson("{\"target_lun\": 2, \"target_iqn\": \"x\"}"));
        assertThat(parsed).isNotEqualTo(
                ConnectionProperties.parseJson("{\"driver_volume_type\":\"iscsi\",\"data\":{\"target_lun\": 1, \"target_iqn\": \"x\"}}"));
    }

    @Test
    void scsiWwnIsTheVolumesWwidStrippedOrUnknownWhenAbsentOrBlank() {
        assertThat(ConnectionProperties.parseJson("{\"scsi_wwn\": \" 360014053b8c2d6119a414f0b8e275d1c \"}").scsiWwn())
                .contains(Wwid.of("360014053b8c2d6119a414f0b8e275d1c"));
        assertThat(ConnectionProperties.parseJson("{\"scsi_wwn\": \"  \"}").scsiWwn()).isEmpty();
        assertThat(ConnectionProperties.parseJson("{\"scsi_wwn\": null}").scsiWwn()).isEmpty();
        assertThat(ConnectionProperties.parseJson("{}").scsiWwn()).isEmpty();
    }

    @Test
    void anScsiWwnThatIsNoWwidIsInvalidInputUnderItsKey() {
        InvalidInput.expect("scsi_wwn", () -> ConnectionProperties.parseJson("{\"scsi_wwn\": \"a b\"}").scsiWwn());
        InvalidInput.expect("scsi_wwn", () -> ConnectionProperties.parseJson("{\"scsi_wwn\": 36001405}").scsiWwn());
    }
}

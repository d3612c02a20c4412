package io.brick.reliability;

import io.brick.core.error.InvalidInputException;
import io.brick.core.json.Json;
import io.brick.core.model.AttachedVolume;
import io.brick.core.model.ConnectionProperties;
import io.brick.fc.FcTarget;
import io.brick.fc.FcVolume;
import io.brick.iscsi.IscsiTarget;
import io.brick.iscsi.IscsiVolume;
import io.brick.testkit.fuzz.FuzzTally;
import io.brick.testkit.fuzz.Mutator;
import io.brick.testkit.fuzz.ParserFuzzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every input brick reads from its caller (issue 9 item 2): connection properties JSON (random, and mutated from
 * valid iSCSI and FC ones: wrong types, huge numbers, unicode, control characters, {@code ../} and shell characters in
 * IQNs, portals and WWNs, LUN lists of mismatched length) through {@link ConnectionProperties#parseJson} and the
 * transports' typed parsing ({@link IscsiVolume#parse}, {@link FcVolume#parse}), and device_info through
 * {@link AttachedVolume#parseJson}. Each input gives a typed value or an {@link InvalidInputException}, never
 * anything else; what is accepted holds nothing that could leave a path or reach a shell: IQNs and portals without
 * {@code /}, whitespace, control or shell characters, WWPNs of 16 hex digits, device paths under {@code /dev}
 * without a {@code ..} element. Inputs per parser: {@code brick.fuzz.inputs} (default 2,000); counts in
 * {@code target/reliability/fuzz-inputs.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzConnectionPropertiesTest {
    private static final int INPUTS = FuzzTally.inputs(2_000);
    private static final long SEED = FuzzTally.seed(20_260_921L);
    /** Characters that would matter to a path or a shell, and whitespace and control characters. */
    private static final Pattern UNSAFE = Pattern.compile("[/\\\\;$`|&<>*?'\"\\s\\p{Cntrl}]");
    private static final Pattern WWPN = Pattern.compile("[0-9a-f]{16}");

    private final FuzzTally tally = new FuzzTally();

    @AfterAll
    void writeCounts() {
        tally.write("inputs");
    }

    /** Seeds as they are, then structured and textual mutations of them, then random JSON-ish text. */
    private List<String> inputs(List<String> seeds, List<String> others, long seed) {
        Mutator mutator = new Mutator(seed);
        List<String> vocabulary = Mutator.words(seeds);
        List<String> inputs = new ArrayList<>(seeds);
        while (inputs.size() < INPUTS) {
            int kind = mutator.nextInt(100);
            if (kind < 8) {
                inputs.add(mutator.randomText(vocabulary, 1 + mutator.nextInt(4)));
            } else if (kind < 12) {
                inputs.add(FuzzInputs.mutate(mutator, mutator.pick(others)));
            } else {
                inputs.add(FuzzInputs.mutate(mutator, mutator.pick(seeds)));
            }
        }
        return inputs;
    }

    @Test
    void iscsi_properties_give_a_volume_or_invalid_input() {
        List<String> inputs = inputs(FuzzInputs.ISCSI, FuzzInputs.FC, SEED);
        List<String> failures = new ArrayList<>();
        fuzzAll("IscsiVolume.parse", inputs, text -> {
            ConnectionProperties properties = ConnectionProperties.parseJson(text);
            return Map.entry(properties, IscsiVolume.parse(properties, text.length() % 2 == 0, "default"));
        }, parsed -> {
                    IscsiVolume volume = parsed.getValue();
                    assertThat(volume.toString()).doesNotContain(secrets(parsed.getKey()));
                    for (IscsiTarget target : volume.targets()) {
                        assertThat(UNSAFE.matcher(target.iqn().value()).find()).as("IQN %s", target.iqn()).isFalse();
                        assertThat(target.iqn().value()).as("IQN").isNotIn(".", "..");
                        assertThat(UNSAFE.matcher(target.portal().host()).find()).as("portal %s", target.portal())
                                .isFalse();
                        assertThat(target.portal().port()).isBetween(1, 65535);
                    }
                }, failures);
        assertThat(failures).isEmpty();
    }

    @Test
    void fc_properties_give_a_volume_or_invalid_input() {
        List<String> inputs = inputs(FuzzInputs.FC, FuzzInputs.ISCSI, SEED + 1);
        List<String> failures = new ArrayList<>();
        fuzzAll("FcVolume.parse", inputs, text -> FcVolume.parse(ConnectionProperties.parseJson(text)), volume -> {
            for (FcTarget target : volume.targets()) {
                assertThat(target.wwpn()).matches(WWPN);
            }
            volume.initiatorTargets().ifPresent(map -> map.forEach((initiator, targets) -> {
                assertThat(initiator).matches(WWPN);
                targets.forEach(target -> assertThat(target.wwpn()).matches(WWPN));
            }));
        }, failures);
        assertThat(failures).isEmpty();
    }

    @Test
    void connection_properties_json_gives_properties_or_invalid_input() {
        List<String> seeds = new ArrayList<>(FuzzInputs.ISCSI);
        seeds.addAll(FuzzInputs.FC);
        List<String> failures = new ArrayList<>();
        fuzzAll("ConnectionProperties.parseJson", inputs(seeds, FuzzInputs.DEVICE_INFO, SEED + 2),
                ConnectionProperties::parseJson, properties -> {
                    assertThat(properties.toString()).doesNotContain(secrets(properties));
                    assertThat(((Map<?, ?>) Json.parse(properties.toMaskedJson(), "masked")).keySet())
                            .as("masking keeps every key").isEqualTo(properties.asMap().keySet());
                }, failures);
        assertThat(failures).isEmpty();
    }

    @Test
    void device_info_gives_a_volume_or_invalid_input() {
        List<String> failures = new ArrayList<>();
        fuzzAll("AttachedVolume.parseJson", inputs(FuzzInputs.DEVICE_INFO, FuzzInputs.ISCSI, SEED + 3),
                AttachedVolume::parseJson, volume -> {
                    String path = volume.path().path();
                    assertThat(path).startsWith("/dev/");
                    assertThat(List.of(path.split("/"))).doesNotContain("..", ".");
                    assertThat(path).doesNotContainPattern("[\\s\\p{Cntrl}]");
                    assertThat(AttachedVolume.parseJson(volume.toJson())).as("device_info round trip").isEqualTo(volume);
                }, failures);
        assertThat(failures).isEmpty();
    }

    /** The values of the secret-bearing keys (at the top level) long enough to be told apart from other text. */
    private static List<String> secrets(ConnectionProperties properties) {
        List<String> secrets = new ArrayList<>(List.of("S3cr3t-never-there"));
        properties.asMap().forEach((key, value) -> {
            if (ConnectionProperties.isSecretKey(key) && value instanceof String text && text.length() >= 6) {
                secrets.add(text);
            }
        });
        return secrets;
    }

    private <T> void fuzzAll(String target, List<String> inputs, Function<String, T> parse,
            Consumer<T> check, List<String> failures) {
        for (String input : inputs) {
            T answer;
            try {
                answer = parse.apply(input);
            } catch (InvalidInputException e) {
                tally.record(target, e.kind());
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                tally.record(target, "FAILED");
                failures.add(target + ": " + e + " for " + ParserFuzzer.escape(input));
                continue;
            }
            try {
                check.accept(answer);
                tally.record(target, ParserFuzzer.ACCEPTED);
            } catch (AssertionError | RuntimeException e) {
                tally.record(target, "FAILED");
                failures.add(target + ": " + e.getMessage() + " for " + ParserFuzzer.escape(input));
            }
        }
        assertThat(tally.total(target)).isEqualTo(inputs.size());
        assertThat(tally.count(target, ParserFuzzer.ACCEPTED)).as("%s accepts some inputs", target).isPositive();
        assertThat(tally.count(target, "invalid-input")).as("%s rejects some inputs", target).isPositive();
    }
}

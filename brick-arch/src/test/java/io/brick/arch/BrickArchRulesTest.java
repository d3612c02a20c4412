package io.brick.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.brick.arch.BrickArchRules.ADAPTERS_ARE_INDEPENDENT;
import static io.brick.arch.BrickArchRules.CORE_IS_FREE_OF_INFRASTRUCTURE;
import static io.brick.arch.BrickArchRules.CORE_NAMES_NO_TRANSPORT;
import static io.brick.arch.BrickArchRules.FILE_ACCESS_CONFINED;
import static io.brick.arch.BrickArchRules.GUICE_ONLY_IN_BOOTSTRAP_MODULES_AND_PLUGINS;
import static io.brick.arch.BrickArchRules.IMPLEMENTATIONS_ARE_PACKAGE_PRIVATE;
import static io.brick.arch.BrickArchRules.NO_JAVA_UTIL_LOGGING;
import static io.brick.arch.BrickArchRules.NO_PACKAGE_CYCLES;
import static io.brick.arch.BrickArchRules.NO_STANDARD_STREAMS;
import static io.brick.arch.BrickArchRules.NO_THREAD_SLEEP;
import static io.brick.arch.BrickArchRules.PROCESSES_ONLY_IN_EXEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each rule against deliberately bad sample classes (which it must reject) and good ones (which it must accept). The
 * samples live in this module's test sources under brick's package names ({@code io.brick.iscsi.bad4}, ...), so no
 * other module's scan ever sees them. Every sample package is checked against every rule: a bad package fails exactly
 * the rules listed for it and passes all the others.
 */
class BrickArchRulesTest {
    private static final Map<String, ArchRule> RULES = new LinkedHashMap<>();

    static {
        RULES.put("1 core pure", CORE_IS_FREE_OF_INFRASTRUCTURE);
        RULES.put("2 files", FILE_ACCESS_CONFINED);
        RULES.put("3 processes", PROCESSES_ONLY_IN_EXEC);
        RULES.put("4 adapters independent", ADAPTERS_ARE_INDEPENDENT);
        RULES.put("5 package-private implementations", IMPLEMENTATIONS_ARE_PACKAGE_PRIVATE);
        RULES.put("6 guice", GUICE_ONLY_IN_BOOTSTRAP_MODULES_AND_PLUGINS);
        RULES.put("7a sleep", NO_THREAD_SLEEP);
        RULES.put("7b java.util.logging", NO_JAVA_UTIL_LOGGING);
        RULES.put("7c standard streams", NO_STANDARD_STREAMS);
        RULES.put("8 no package cycles", NO_PACKAGE_CYCLES);
        RULES.put("9 core names no transport", CORE_NAMES_NO_TRANSPORT);
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                arguments("io.brick.core.model.good1", Set.of()),
                arguments("io.brick.core.bootstrap.good1", Set.of()),
                arguments("io.brick.core.port", Set.of()),
                arguments("io.brick.core.model.bad1guice", Set.of("1 core pure")),
                arguments("io.brick.core.model.bad1runtime", Set.of("1 core pure")),
                arguments("io.brick.core.model.bad1path", Set.of("1 core pure", "2 files")),
                arguments("io.brick.iscsi.bad2", Set.of("2 files")),
                arguments("io.brick.sysfs.good2", Set.of()),
                arguments("io.brick.csi.good2", Set.of()),
                arguments("io.brick.iscsi.bad3builder", Set.of("3 processes")),
                arguments("io.brick.multipath.bad3runtime", Set.of("3 processes")),
                arguments("io.brick.fc.bad3commons", Set.of("3 processes")),
                arguments("io.brick.exec.good3", Set.of()),
                arguments("io.brick.iscsi.bad4", Set.of("4 adapters independent")),
                arguments("io.brick.fc.bad4", Set.of("4 adapters independent")),
                arguments("io.brick.iscsi.good4", Set.of()),
                arguments("io.brick.sysfs.bad5", Set.of("5 package-private implementations")),
                arguments("io.brick.iscsi.bad5", Set.of("5 package-private implementations")),
                arguments("io.brick.sysfs.bad5locks", Set.of("5 package-private implementations")),
                arguments("io.brick.sysfs.good5", Set.of()),
                arguments("io.brick.iscsi.bad6", Set.of("6 guice")),
                arguments("io.brick.iscsi.good6", Set.of()),
                arguments("io.brick.iscsi.bad7sleep", Set.of("7a sleep")),
                arguments("io.brick.fc.bad7timeunit", Set.of("7a sleep")),
                arguments("io.brick.core.time.good7", Set.of()),
                arguments("io.brick.multipath.bad7jul", Set.of("7b java.util.logging")),
                arguments("io.brick.iscsi.bad7out", Set.of("7c standard streams")),
                arguments("io.brick.cli.good7", Set.of()),
                arguments("io.brick.csi.bad7out", Set.of("7c standard streams")),
                arguments("io.brick.iscsi.bad8cycle", Set.of("8 no package cycles")),
                arguments("io.brick.iscsi.good8", Set.of()),
                arguments("io.brick.core.model.bad9names", Set.of("9 core names no transport")),
                arguments("io.brick.core.bootstrap.bad9deps", Set.of("9 core names no transport")),
                arguments("io.brick.core.model.good9", Set.of()));
    }

    @ParameterizedTest(name = "{0} fails exactly {1}")
    @MethodSource("samples")
    void eachSamplePackageFailsExactlyTheRulesItBreaks(String samplePackage, Set<String> expectedFailures) {
        JavaClasses classes = new ClassFileImporter().importPackages(samplePackage);
        assertThat(classes).as("sample classes of %s", samplePackage).isNotEmpty();

        for (Map.Entry<String, ArchRule> rule : RULES.entrySet()) {
            if (expectedFailures.contains(rule.getKey())) {
                assertThatThrownBy(() -> rule.getValue().check(classes))
                        .as("rule %s on %s", rule.getKey(), samplePackage)
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining(samplePackage);
            } else {
                assertThatCode(() -> rule.getValue().check(classes))
                        .as("rule %s on %s", rule.getKey(), samplePackage)
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void everyRuleIsInAllAndHasASampleThatBreaksIt() {
        assertThat(BrickArchRules.ALL).containsExactlyInAnyOrderElementsOf(RULES.values());
        Set<String> broken = samples().map(arguments -> (Set<?>) arguments.get()[1])
                .flatMap(Set::stream).map(String.class::cast).collect(Collectors.toSet());
        assertThat(broken).containsExactlyInAnyOrderElementsOf(RULES.keySet());
    }

    @Test
    void checkAllReportsEveryFailedRuleAtOnce() {
        JavaClasses bad = new ClassFileImporter().importPackages("io.brick.core.model.bad1path", "io.brick.iscsi.bad6");

        assertThatThrownBy(() -> BrickArchRules.checkAll(bad))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("3 of 11 architecture rules failed")
                .hasMessageContaining("io.brick.core.model.bad1path.Where")
                .hasMessageContaining("io.brick.iscsi.bad6.SessionFinder");
    }

    @Test
    void checkAllPassesGoodClasses() {
        JavaClasses good = new ClassFileImporter().importPackages(
                "io.brick.core.model.good1", "io.brick.exec.good3", "io.brick.iscsi.good6", "io.brick.cli.good7");

        assertThatCode(() -> BrickArchRules.checkAll(good)).doesNotThrowAnyException();
    }

    @Test
    void everyRuleAcceptsAnEmptyImport() {
        JavaClasses none = new ClassFileImporter().importPackages("io.brick.no.such.module");

        assertThat(none).isEmpty();
        assertThatCode(() -> BrickArchRules.checkAll(none)).doesNotThrowAnyException();
    }

    @Test
    void dynamicTestsHaveOneTestPerRule() throws Throwable {
        JavaClasses bad = new ClassFileImporter().importPackages("io.brick.iscsi.bad7out");
        List<DynamicTest> tests = BrickArchRules.dynamicTests(bad).collect(Collectors.toList());

        assertThat(tests).hasSize(BrickArchRules.ALL.size());
        assertThat(tests.get(0).getDisplayName()).isEqualTo(BrickArchRules.ALL.get(0).getDescription());
        DynamicTest standardStreams = tests.get(BrickArchRules.ALL.indexOf(BrickArchRules.NO_STANDARD_STREAMS));
        assertThatThrownBy(() -> standardStreams.getExecutable().execute()).isInstanceOf(AssertionError.class);
        tests.get(0).getExecutable().execute();
    }

    @Test
    void importProductionClassesLeavesTestClassesOut() {
        JavaClasses production = BrickArchRules.importProductionClasses("io.brick");

        assertThat(production.stream().map(JavaClass::getName))
                .contains(BrickArchRules.class.getName())
                .noneMatch(name -> name.contains(".bad") || name.contains(".good") || name.endsWith("Test"));
    }
}

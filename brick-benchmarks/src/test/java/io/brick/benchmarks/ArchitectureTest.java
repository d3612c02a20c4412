package io.brick.benchmarks;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import io.brick.arch.BrickArchRules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * brick's architecture rules that apply to a benchmark tool. Left out, on purpose: file access (the benchmarks write
 * and walk host trees, the baseline reads them without brick-sysfs) and standard streams (the runners print tables);
 * and the classes JMH generates ({@code jmh_generated}), which are JMH's code.
 */
class ArchitectureTest {
    private static final List<ArchRule> RULES = List.of(
            BrickArchRules.PROCESSES_ONLY_IN_EXEC,
            BrickArchRules.ADAPTERS_ARE_INDEPENDENT,
            BrickArchRules.IMPLEMENTATIONS_ARE_PACKAGE_PRIVATE,
            BrickArchRules.GUICE_ONLY_IN_BOOTSTRAP_MODULES_AND_PLUGINS,
            BrickArchRules.NO_THREAD_SLEEP,
            BrickArchRules.NO_JAVA_UTIL_LOGGING);

    @TestFactory
    Stream<DynamicTest> benchmarkClassesFollowTheRulesThatApplyToThem() {
        JavaClasses classes = BrickArchRules.importProductionClasses("io.brick.benchmarks")
                .that(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("..jmh_generated..")));
        assertThat(classes).as("the benchmark classes were imported").isNotEmpty();
        return RULES.stream().map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
    }
}

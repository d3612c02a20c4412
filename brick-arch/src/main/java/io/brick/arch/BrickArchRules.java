package io.brick.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.DynamicTest;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * brick's architecture as ArchUnit rules, for brick's own modules and for vendors' transports built on brick.
 *
 * <p>Each rule is a public constant; {@link #ALL} lists them all. A module's test imports its own production classes
 * and checks every rule, e.g.
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> productionClassesFollowBricksArchitecture() {
 *     return BrickArchRules.dynamicTests(BrickArchRules.importProductionClasses("com.example.brick.nvme"));
 * }
 * }</pre>
 * or, in one assertion, {@code BrickArchRules.checkAll(classes)}.
 *
 * <p>Every rule allows an empty selection ({@code allowEmptyShould(true)}): a module that has no classes of the kind
 * a rule talks about passes it. Guarding against an import that found nothing at all is the caller's job.
 *
 * <p>The rules, as {@code DESIGN.md} §2 states them:
 * <ol>
 *     <li>{@link #CORE_IS_FREE_OF_INFRASTRUCTURE}: brick-core's domain and ports use the JDK, slf4j and
 *     jakarta.inject only, and no files or processes;</li>
 *     <li>{@link #FILE_ACCESS_CONFINED}: only brick-sysfs (and the testkit and the CLI) touch files;</li>
 *     <li>{@link #PROCESSES_ONLY_IN_EXEC}: only brick-exec starts processes;</li>
 *     <li>{@link #ADAPTERS_ARE_INDEPENDENT}: no adapter module depends on another;</li>
 *     <li>{@link #IMPLEMENTATIONS_ARE_PACKAGE_PRIVATE}: adapters' port implementations are package-private;</li>
 *     <li>{@link #GUICE_ONLY_IN_BOOTSTRAP_MODULES_AND_PLUGINS}: Guice only in the bootstrap, {@code *Module} and
 *     {@code *Plugin} classes;</li>
 *     <li>{@link #NO_THREAD_SLEEP}, {@link #NO_JAVA_UTIL_LOGGING}, {@link #NO_STANDARD_STREAMS}: waiting through
 *     {@code Sleeper}, logging through slf4j, the console only in the CLI;</li>
 *     <li>{@link #NO_PACKAGE_CYCLES}: no cycle between packages;</li>
 *     <li>{@link #CORE_NAMES_NO_TRANSPORT}: brick-core has no class named after a transport and depends on no
 *     transport, adapter or the CLI.</li>
 * </ol>
 */
public final class BrickArchRules {
    /** brick's own root package. */
    public static final String BRICK = "io.brick";

    /** The adapter packages: each is one module that meets the others only through brick-core's ports. */
    public static final List<String> ADAPTER_PACKAGES = List.of(
            "io.brick.exec", "io.brick.sysfs", "io.brick.iscsi", "io.brick.fc", "io.brick.multipath");

    private static final String CORE = "io.brick.core..";
    private static final String BOOTSTRAP = "io.brick.core.bootstrap..";
    private static final String TESTKIT = "io.brick.testkit..";
    private static final String CLI = "io.brick.cli..";
    private static final String CSI = "io.brick.csi..";
    /** brick-csi's launcher: a command like the CLI, it prints its usage errors before any logging is set up. */
    private static final String CSI_LAUNCHER = "io.brick.csi.CsiMain";
    private static final String SYSFS = "io.brick.sysfs..";
    private static final String EXEC = "io.brick.exec..";
    private static final String TIME = "io.brick.core.time..";
    private static final String GUICE = "com.google.inject..";
    private static final String COMMONS_EXEC = "org.apache.commons.exec..";
    private static final String NIO_FILE = "java.nio.file..";
    private static final String[] TRANSPORTS_ADAPTERS_AND_CLI = {
        "io.brick.iscsi..", "io.brick.fc..", "io.brick.nvme..", SYSFS, "io.brick.multipath..", EXEC, CLI, CSI
    };

    private static final Class<?>[] FILE_CLASSES = {
        File.class, FileInputStream.class, FileOutputStream.class, RandomAccessFile.class, FileReader.class,
        FileWriter.class
    };

    private static final DescribedPredicate<JavaClass> FILE_ACCESS =
            resideInAPackage(NIO_FILE).or(belongToAnyOf(FILE_CLASSES)).as("java.nio.file or java.io file classes");

    private static final DescribedPredicate<JavaClass> PROCESS_CLASSES =
            belongToAnyOf(ProcessBuilder.class, Process.class).as("ProcessBuilder or Process");

    private static final DescribedPredicate<JavaMethodCall> RUNTIME_EXEC = DescribedPredicate.describe(
            "Runtime.exec", call -> call.getTarget().getOwner().isEquivalentTo(Runtime.class)
                    && call.getTarget().getName().equals("exec"));

    private static final DescribedPredicate<JavaMethodCall> SLEEP = DescribedPredicate.describe(
            "Thread.sleep or TimeUnit.sleep", call -> call.getTarget().getName().equals("sleep")
                    && (call.getTarget().getOwner().isEquivalentTo(Thread.class)
                    || call.getTarget().getOwner().isAssignableTo(TimeUnit.class)));

    private static final DescribedPredicate<JavaClass> PORT_INTERFACE = DescribedPredicate.describe(
            "an interface of io.brick.core.port, io.brick.core.connector.Connector or io.brick.core.lock.ProcessLocks",
            type -> type.isInterface() && (type.getPackageName().equals("io.brick.core.port")
                    || type.getPackageName().startsWith("io.brick.core.port.")
                    || type.getName().equals("io.brick.core.connector.Connector")
                    || type.getName().equals("io.brick.core.lock.ProcessLocks")));

    private static final DescribedPredicate<JavaClass> MODULE_OR_PLUGIN = DescribedPredicate.describe(
            "a *Module or *Plugin class (or a class nested in one)", type -> {
                String topLevel = type.getName();
                int dollar = topLevel.indexOf('$');
                if (dollar >= 0) {
                    topLevel = topLevel.substring(0, dollar);
                }
                String simple = topLevel.substring(topLevel.lastIndexOf('.') + 1);
                return simple.endsWith("Module") || simple.endsWith("Plugin");
            });

    /**
     * Rule 1: classes of {@code io.brick.core..} outside {@code io.brick.core.bootstrap..} depend only on
     * {@code java..}, {@code io.brick.core..}, {@code org.slf4j..} and {@code jakarta.inject..}, and never on
     * {@code java.nio.file..}, the {@code java.io} file classes, {@code ProcessBuilder}, {@code Process} or
     * {@code Runtime}: the domain and the ports are pure, so every transport can reuse them and every test can fake
     * the host.
     */
    public static final ArchRule CORE_IS_FREE_OF_INFRASTRUCTURE = classes()
            .that().resideInAPackage(CORE).and().resideOutsideOfPackage(BOOTSTRAP)
            .should().onlyDependOnClassesThat(
                    resideInAnyPackage("java..", CORE, "org.slf4j..", "jakarta.inject..")
                            .and(not(FILE_ACCESS))
                            .and(not(belongToAnyOf(ProcessBuilder.class, Process.class, Runtime.class)))
                            .as("the JDK (without files and processes), io.brick.core, slf4j or jakarta.inject"))
            .because("brick-core's domain and ports know nothing of Guice, files or processes (DESIGN.md §2)")
            .allowEmptyShould(true);

    /**
     * Rule 2: only brick-sysfs, the testkit, the CLI and the CSI node plugin (its socket, its state files, the CO's
     * target paths) use {@code java.nio.file} or {@code java.io.File*} for the host's files. brick-exec is the one other place: it reads {@code /proc/<pid>/stat} of the processes it started
     * (to tell a reaped-or-zombie child from a live one when it ends a process tree) and hands commons-exec the
     * {@code File}-typed arguments its API takes; it never reads {@code /sys}, {@code /dev} or {@code /etc}.
     */
    public static final ArchRule FILE_ACCESS_CONFINED = noClasses()
            .that().resideOutsideOfPackages(SYSFS, EXEC, TESTKIT, CLI, CSI)
            .should().dependOnClassesThat(FILE_ACCESS)
            .because("brick-sysfs is the only code that touches /sys, /dev and /etc, through one HostRoot "
                    + "(brick-exec may read /proc about its own child processes)")
            .allowEmptyShould(true);

    /** Rule 3: only brick-exec starts processes ({@code ProcessBuilder}, {@code Process}, {@code Runtime.exec}, commons-exec). */
    public static final ArchRule PROCESSES_ONLY_IN_EXEC = noClasses()
            .that().resideOutsideOfPackage(EXEC)
            .should().dependOnClassesThat(PROCESS_CLASSES)
            .orShould().dependOnClassesThat().resideInAPackage(COMMONS_EXEC)
            .orShould().callMethodWhere(RUNTIME_EXEC)
            .because("every command goes through the CommandRunner port: argv only, bounded in time, secrets masked")
            .allowEmptyShould(true);

    /**
     * Rule 4: no adapter module depends on another adapter, on the testkit, on the CLI or on the CSI plugin; adapters meet only through
     * brick-core's ports.
     */
    public static final ArchRule ADAPTERS_ARE_INDEPENDENT = adaptersAreIndependent();

    /**
     * Rule 5: in the adapter packages, classes that implement a port ({@code io.brick.core.port..}), a
     * {@code Connector} or {@code ProcessLocks} are not public: callers get them through the runtime, never by
     * {@code new}.
     */
    public static final ArchRule IMPLEMENTATIONS_ARE_PACKAGE_PRIVATE = classes()
            .that().resideInAnyPackage(packagesWithSubpackages(ADAPTER_PACKAGES))
            .and().implement(PORT_INTERFACE)
            .should().notBePublic()
            .because("implementations are wired by their module; only the ports are API")
            .allowEmptyShould(true);

    /**
     * Rule 6: Guice ({@code com.google.inject..}) only in {@code io.brick.core.bootstrap..}, in {@code *Module} and
     * {@code *Plugin} classes (and classes nested in them), in the testkit and in the CLI. Everything else uses
     * {@code jakarta.inject}.
     */
    public static final ArchRule GUICE_ONLY_IN_BOOTSTRAP_MODULES_AND_PLUGINS = noClasses()
            .that().resideOutsideOfPackages(BOOTSTRAP, TESTKIT, CLI)
            .and(not(MODULE_OR_PLUGIN))
            .should().dependOnClassesThat().resideInAPackage(GUICE)
            .because("wiring is confined to modules and plugins; classes use @jakarta.inject.Inject (DESIGN.md §2)")
            .allowEmptyShould(true);

    /** Rule 7a: no {@code Thread.sleep} (nor {@code TimeUnit.sleep}) outside {@code io.brick.core.time..} and brick-exec. */
    public static final ArchRule NO_THREAD_SLEEP = noClasses()
            .that().resideOutsideOfPackages(TIME, EXEC)
            .should().callMethodWhere(SLEEP)
            .because("waits go through the Sleeper, so a test's fake clock makes a 30-second timeout take milliseconds")
            .allowEmptyShould(true);

    /** Rule 7b: no {@code java.util.logging}: brick logs through slf4j. */
    public static final ArchRule NO_JAVA_UTIL_LOGGING = GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING
            .because("brick logs through slf4j-api only")
            .allowEmptyShould(true);

    /**
     * Rule 7c: no {@code System.out} / {@code System.err} / {@code printStackTrace()} outside the CLI and brick-csi's
     * launcher ({@code io.brick.csi.CsiMain}, which prints its usage errors).
     */
    public static final ArchRule NO_STANDARD_STREAMS = noClasses()
            .that().resideOutsideOfPackage(CLI).and().doNotHaveFullyQualifiedName(CSI_LAUNCHER)
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("a library logs; only the brick command writes to the console")
            .allowEmptyShould(true);

    /**
     * Rule 8: no package cycle: every package is a slice, and no slice depends on itself through others (in brick-core
     * {@code connector} and {@code volume} once did). A cycle makes two packages one unit that cannot be understood,
     * tested or split apart alone.
     */
    public static final ArchRule NO_PACKAGE_CYCLES = SlicesRuleDefinition.slices().matching("(**)")
            .should().beFreeOfCycles()
            .because("packages depend on each other in one direction only (DESIGN.md §2)")
            .allowEmptyShould(true);

    /**
     * Rule 9: brick-core names no transport and depends on none: no class of {@code io.brick.core..} has a simple name
     * containing {@code Iscsi}, {@code Iqn}, {@code Portal}, {@code Session}, {@code Nvme} or {@code Nqn}, or the word
     * {@code Fc} ({@code Fc} followed by a capital letter or at the end: {@code FcHost}); and no class of it, its
     * bootstrap included, depends on a transport, an adapter, the CLI or the CSI plugin ({@code io.brick.iscsi..},
     * {@code .fc..}, {@code .nvme..}, {@code .sysfs..}, {@code .multipath..}, {@code .exec..}, {@code .cli..},
     * {@code .csi..}). A transport's values,
     * sessions and readers live in its own module (DESIGN.md §2).
     */
    public static final ArchRule CORE_NAMES_NO_TRANSPORT = CompositeArchRule.of(classes()
                    .that().resideInAPackage(CORE)
                    .should().haveSimpleNameNotContaining("Iscsi")
                    .andShould().haveSimpleNameNotContaining("Iqn")
                    .andShould().haveSimpleNameNotContaining("Portal")
                    .andShould().haveSimpleNameNotContaining("Session")
                    .andShould().haveSimpleNameNotContaining("Nvme")
                    .andShould().haveSimpleNameNotContaining("Nqn")
                    .andShould().haveNameNotMatching(".*[.$][^.$]*Fc([A-Z][^.$]*)?")
                    .because("brick-core keeps what every transport shares; a transport's types are its own "
                            + "(DESIGN.md §2)")
                    .allowEmptyShould(true))
            .and(noClasses()
                    .that().resideInAPackage(CORE)
                    .should().dependOnClassesThat().resideInAnyPackage(TRANSPORTS_ADAPTERS_AND_CLI)
                    .because("brick-core depends on no transport, adapter or the CLI: they depend on it "
                            + "(DESIGN.md §2)")
                    .allowEmptyShould(true));

    /** Every rule above, in order. */
    public static final List<ArchRule> ALL = List.of(
            CORE_IS_FREE_OF_INFRASTRUCTURE,
            FILE_ACCESS_CONFINED,
            PROCESSES_ONLY_IN_EXEC,
            ADAPTERS_ARE_INDEPENDENT,
            IMPLEMENTATIONS_ARE_PACKAGE_PRIVATE,
            GUICE_ONLY_IN_BOOTSTRAP_MODULES_AND_PLUGINS,
            NO_THREAD_SLEEP,
            NO_JAVA_UTIL_LOGGING,
            NO_STANDARD_STREAMS,
            NO_PACKAGE_CYCLES,
            CORE_NAMES_NO_TRANSPORT);

    private BrickArchRules() {
    }

    /**
     * Imports the production classes of one package and its subpackages from the class path, tests and jars left out
     * ({@link ImportOption.DoNotIncludeTests}, {@link ImportOption.DoNotIncludeJars}). In a Maven reactor build a
     * module's sibling modules are jars, so importing a module's own root package imports that module alone.
     *
     * @param basePackage e.g. {@code io.brick.sysfs}
     */
    public static JavaClasses importProductionClasses(String basePackage) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(basePackage);
    }

    /**
     * Checks every rule of {@link #ALL} against the classes and reports every violation of every rule at once.
     *
     * @throws AssertionError naming each rule that failed, with its violations
     */
    public static void checkAll(JavaClasses classes) {
        List<String> failures = new ArrayList<>();
        for (ArchRule rule : ALL) {
            try {
                rule.check(classes);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.format(Locale.ROOT, "%d of %d architecture rules failed:%n%s",
                    failures.size(), ALL.size(), String.join(System.lineSeparator(), failures)));
        }
    }

    /** One JUnit dynamic test per rule of {@link #ALL}, named after the rule, for a {@code @TestFactory}. */
    public static Stream<DynamicTest> dynamicTests(JavaClasses classes) {
        return ALL.stream().map(rule -> DynamicTest.dynamicTest(rule.getDescription(), () -> rule.check(classes)));
    }

    private static ArchRule adaptersAreIndependent() {
        List<ArchRule> rules = new ArrayList<>();
        for (String adapter : ADAPTER_PACKAGES) {
            List<String> forbidden = new ArrayList<>();
            for (String other : ADAPTER_PACKAGES) {
                if (!other.equals(adapter)) {
                    forbidden.add(other + "..");
                }
            }
            forbidden.add(TESTKIT);
            forbidden.add(CLI);
            forbidden.add(CSI);
            rules.add(noClasses().that().resideInAPackage(adapter + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(new String[0]))
                    .because("adapters meet only through brick-core's ports (DESIGN.md §2)")
                    .allowEmptyShould(true));
        }
        CompositeArchRule composite = CompositeArchRule.of(rules.get(0));
        for (ArchRule rule : rules.subList(1, rules.size())) {
            composite = composite.and(rule);
        }
        return composite.as("no adapter module (exec, sysfs, iscsi, fc, multipath) depends on another, "
                + "on the testkit, on the CLI or on the CSI plugin").allowEmptyShould(true);
    }

    private static String[] packagesWithSubpackages(List<String> packages) {
        return packages.stream().map(name -> name + "..").toArray(String[]::new);
    }
}

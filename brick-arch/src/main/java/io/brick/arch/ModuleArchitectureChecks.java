package io.brick.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A module's architecture test: every {@link BrickArchRules} rule on the module's own production classes (its
 * package, test classes and the sibling modules' jars left out), and a check that the import really holds every class
 * the module compiled, so the rules cannot pass on an empty import. A module (brick's or a vendor's) extends it:
 * <pre>{@code
 * class ArchitectureTest extends ModuleArchitectureChecks {
 *     ArchitectureTest() {
 *         super("com.vendor.brick.nvmeof", true);
 *     }
 * }
 * }</pre>
 */
public abstract class ModuleArchitectureChecks {
    private final String modulePackage;
    private final boolean mustHaveClasses;
    private final JavaClasses classes;

    /**
     * @param modulePackage the module's root package, e.g. {@code io.brick.iscsi}
     * @param mustHaveClasses whether an empty module fails (a module that has code should say {@code true})
     */
    protected ModuleArchitectureChecks(String modulePackage, boolean mustHaveClasses) {
        this.modulePackage = requireNonNull(modulePackage, "modulePackage is null");
        this.mustHaveClasses = mustHaveClasses;
        this.classes = BrickArchRules.importProductionClasses(modulePackage);
    }

    @TestFactory
    Stream<DynamicTest> productionClassesFollowEveryArchitectureRule() {
        return BrickArchRules.dynamicTests(classes);
    }

    @Test
    void theImportHoldsEveryClassThisModuleCompiles() {
        Path compiled = Path.of("target", "classes").resolve(modulePackage.replace('.', '/'));
        long classFiles = 0;
        if (Files.isDirectory(compiled)) {
            try (Stream<Path> files = Files.walk(compiled)) {
                classFiles = files.map(path -> path.getFileName().toString())
                        .filter(name -> name.endsWith(".class") && !name.equals("package-info.class"))
                        .count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertEquals(classFiles, classes.size(), "classes imported from " + compiled);
        if (mustHaveClasses) {
            assertFalse(classes.isEmpty(), "production classes of " + modulePackage);
        }
    }
}

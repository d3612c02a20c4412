package io.brick.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.brick.arch.BrickArchRules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * brick's architecture rules ({@link BrickArchRules}) on brick-cli's own production classes: package
 * {@code io.brick.cli}, test classes and the sibling modules' jars left out.
 */
class ArchitectureTest {
    private static final String MODULE_PACKAGE = "io.brick.cli";
    private static final JavaClasses CLASSES = BrickArchRules.importProductionClasses(MODULE_PACKAGE);

    @TestFactory
    Stream<DynamicTest> productionClassesFollowEveryArchitectureRule() {
        return BrickArchRules.dynamicTests(CLASSES);
    }

    @Test
    void theImportHoldsEveryClassThisModuleCompiles() throws IOException {
        Path compiled = Path.of("target", "classes", "io", "brick", "cli");
        long classFiles = 0;
        if (Files.isDirectory(compiled)) {
            try (Stream<Path> files = Files.walk(compiled)) {
                classFiles = files.map(path -> path.getFileName().toString())
                        .filter(name -> name.endsWith(".class") && !name.equals("package-info.class"))
                        .count();
            }
        }
        assertThat(CLASSES.size()).as("classes imported from %s", compiled).isEqualTo(classFiles);
    }
}

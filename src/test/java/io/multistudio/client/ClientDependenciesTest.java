package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The client ships as its own jar: it may use the JDK, Jackson and Mutiny, and nothing of the server. */
class ClientDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/multistudio/client");
    private static final Pattern PROJECT_REFERENCE = Pattern.compile("\\bio\\.multistudio\\.(\\w+)");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);
    private static final List<String> ALLOWED = List.of("java.", "com.fasterxml.jackson.", "io.smallrye.mutiny.",
            "io.multistudio.client.");

    @Test
    void noClassOfTheClientReferencesAnotherProjectPackage() throws IOException {
        List<Path> files = sources();
        assertThat(files).hasSizeGreaterThan(5);
        for (Path file : files) {
            Matcher reference = PROJECT_REFERENCE.matcher(Files.readString(file));
            while (reference.find()) {
                assertThat(reference.group(1)).as("%s refers to %s", file, reference.group()).isEqualTo("client");
            }
        }
    }

    @Test
    void theClientImportsOnlyTheJdkJacksonAndMutiny() throws IOException {
        for (Path file : sources()) {
            Matcher imported = IMPORT.matcher(Files.readString(file));
            while (imported.find()) {
                String name = imported.group(2);
                assertThat(ALLOWED).as("%s imports %s", file, name).anyMatch(name::startsWith);
            }
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            return files.filter(file -> file.toString().endsWith(".java")).toList();
        }
    }
}

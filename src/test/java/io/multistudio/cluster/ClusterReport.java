package io.multistudio.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.time.format.DateTimeFormatter;

/** One table row per scenario, on stdout and appended to {@code target/cluster-report.md}. */
final class ClusterReport {

    private static final List<String> NOTES = new ArrayList<>();

    private ClusterReport() {
    }

    static Path file() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "cluster-report.md");
    }

    /** Starts the section of this run, with the table header. */
    static void begin(String title) {
        append(System.lineSeparator() + "## " + title + " — "
                + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + System.lineSeparator()
                + System.lineSeparator() + Tally.header());
    }

    /** Writes each client's {@link ResumingClient#dump()} to {@code target/cluster-events/<scenario>/}. */
    static void evidence(String scenario, List<ResumingClient> clients) {
        Path folder = file().resolveSibling("cluster-events").resolve(scenario.replaceAll("[^A-Za-z0-9]+", "-"));
        try {
            Files.createDirectories(folder);
            for (ResumingClient client : clients) {
                Files.writeString(folder.resolve(client.name().replaceAll("[^A-Za-z0-9'-]+", "_") + ".txt"),
                        client.dump(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void row(Tally tally) {
        append(tally.row());
    }

    /** Kept until {@link #end}, so that the table stays in one piece. */
    static synchronized void note(String text) {
        System.out.println(text);
        NOTES.add(text);
    }

    static synchronized void end(String summary) {
        StringBuilder text = new StringBuilder(System.lineSeparator());
        NOTES.forEach(note -> text.append("- ").append(note).append(System.lineSeparator()));
        NOTES.clear();
        text.append(System.lineSeparator()).append(summary);
        append(text.toString());
    }

    private static synchronized void append(String text) {
        System.out.println(text);
        try {
            Files.createDirectories(file().getParent());
            Files.writeString(file(), text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

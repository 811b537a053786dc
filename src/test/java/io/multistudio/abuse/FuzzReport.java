package io.multistudio.abuse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What the fuzz run saw: frames and outcomes per input class, violations with examples, errors the server logged. */
final class FuzzReport {

    private static final int MAX_REPORTED_PER_KIND = 3;
    private static final int MAX_SERVER_ERRORS = 20;

    /** One input class's frames and how they were answered. */
    static final class ClassStats {
        long frames;
        long violations;
        long tolerated;
        long limits;
        final Map<String, Long> outcomes = new TreeMap<>();
    }

    private final Map<String, ClassStats> stats = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> violationsByKind = new TreeMap<>();
    private final List<String> serverErrors = new ArrayList<>();

    /** One more frame of {@code inputClass}: its stats, for its outcome. */
    ClassStats frame(String inputClass) {
        ClassStats classStats = stats.computeIfAbsent(inputClass, ignored -> new ClassStats());
        classStats.frames++;
        return classStats;
    }

    /**
     * A violation of {@code kind} by a frame of {@code inputClass}; the first few of each kind are kept as examples,
     * the very first with the steps that led to it.
     */
    void violation(String inputClass, String kind, String example, String stepsBefore) {
        int seen = violationsByKind.merge(kind, 1, Integer::sum);
        stats.computeIfAbsent(inputClass, ignored -> new ClassStats()).violations++;
        if (seen <= MAX_REPORTED_PER_KIND) {
            violations.add(example + (seen == 1 ? "\n      steps before: " + stepsBefore : ""));
        }
    }

    /** An actor's events or answers did not end as the model expected. */
    void finalViolation(Actor actor, String message) {
        violations.add("final check of " + actor + ": " + message);
        violationsByKind.merge("final check: " + message, 1, Integer::sum);
    }

    List<String> violations() {
        return violations;
    }

    Map<String, Integer> violationsByKind() {
        return violationsByKind;
    }

    List<String> serverErrors() {
        return serverErrors;
    }

    /** Keeps the errors the server logs (in this JVM) until the returned handler is removed. */
    Handler captureServerErrors() {
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue() && serverErrors.size() < MAX_SERVER_ERRORS) {
                    serverErrors.add(describe(record));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(handler);
        return handler;
    }

    private static String describe(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (thrown == null) {
            return record.getLoggerName() + ": " + record.getMessage();
        }
        StackTraceElement[] where = thrown.getStackTrace();
        return record.getLoggerName() + ": " + record.getMessage() + " " + thrown + (where.length == 0 ? ""
                : " at " + Arrays.stream(where).filter(frame -> frame.getClassName().startsWith("io.multistudio"))
                        .findFirst().orElse(where[0]));
    }

    /** The report as Markdown. */
    String render(int frames, long seed, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append("## Protocol fuzz: ").append(frames).append(" steps, seed ").append(seed)
                .append(String.format(", %.1f s%n%n", seconds));
        out.append("| input class | frames | outcomes (answer: count) | tolerated | parser limit | violations |\n");
        out.append("|---|---:|---|---:|---:|---:|\n");
        stats.forEach((name, s) -> out.append("| ").append(name).append(" | ").append(s.frames).append(" | ")
                .append(outcomes(s)).append(" | ").append(s.tolerated).append(" | ").append(s.limits).append(" | ")
                .append(s.violations).append(" |\n"));
        long total = stats.values().stream().mapToLong(s -> s.frames).sum();
        out.append("\nframes checked: ").append(total).append(", violations: ")
                .append(violationsByKind.values().stream().mapToInt(Integer::intValue).sum())
                .append(", server errors logged: ").append(serverErrors.size()).append('\n');
        if (!violationsByKind.isEmpty()) {
            out.append("\n### Violations by kind\n\n");
            violationsByKind.forEach((kind, count) -> out.append("- ").append(count).append(" × ").append(kind)
                    .append('\n'));
            out.append("\n### Examples\n\n");
            violations.forEach(violation -> out.append("- ").append(violation).append('\n'));
        }
        if (!serverErrors.isEmpty()) {
            out.append("\n### Server errors\n\n");
            serverErrors.forEach(error -> out.append("- ").append(error).append('\n'));
        }
        return out.toString();
    }

    private static String outcomes(ClassStats s) {
        StringBuilder text = new StringBuilder();
        s.outcomes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(6)
                .forEach(entry -> text.append(text.length() == 0 ? "" : ", ").append(entry.getKey()).append(": ")
                        .append(entry.getValue()));
        if (s.outcomes.size() > 6) {
            text.append(", …");
        }
        return text.toString();
    }
}

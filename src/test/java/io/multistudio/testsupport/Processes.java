package io.multistudio.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Shared plumbing of the launchers that run servers as separate JVMs. */
final class Processes {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private Processes() {
    }

    /** The JVM running the tests, so child JVMs use the same Java version. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire and failsafe set {@code basedir}; IDEs run tests from the module directory. */
    static Path projectDirectory() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    static Path buildDirectory() {
        return projectDirectory().resolve("target");
    }

    /** SIGTERM, then SIGKILL if the process tree has not exited after {@code grace}. */
    static void terminate(ProcessHandle process, Duration grace) {
        List<ProcessHandle> tree = tree(process);
        tree.forEach(ProcessHandle::destroy);
        if (!awaitExit(tree, grace)) {
            kill(process);
        }
    }

    /** SIGKILL the process tree, like a crash, and wait until the OS has reaped it. */
    static void kill(ProcessHandle process) {
        List<ProcessHandle> tree = tree(process);
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitExit(tree, EXIT_TIMEOUT)) {
            throw new IllegalStateException("Process " + process.pid() + " survived SIGKILL");
        }
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text appended to {@code file} since {@code offset}. */
    static String readFrom(Path file, long offset) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(file);
            int from = (int) Math.min(offset, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of a log, for exception messages that make a failed start diagnosable from the test report. */
    static String tail(Path file, long offset, int lines) {
        List<String> all = readFrom(file, offset).lines().toList();
        return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                .collect(Collectors.joining(System.lineSeparator(), "--- last lines of " + file + System.lineSeparator(), ""));
    }

    // Children are collected before the parent dies: afterwards they are re-parented and unreachable.
    private static List<ProcessHandle> tree(ProcessHandle process) {
        return Stream.concat(process.descendants(), Stream.of(process)).toList();
    }

    private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}

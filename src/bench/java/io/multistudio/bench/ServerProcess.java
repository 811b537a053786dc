package io.multistudio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in its own JVM, pinned to one CPU with {@code taskset}: the packaged MultiStudio application
 * ({@code target/quarkus-app/quarkus-run.jar}) or the {@link RawVertxRoomServer} baseline. Gives access to what the
 * benchmark reads from outside: resident memory and CPU time from {@code /proc}, and a full GC through {@code jcmd}.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}; 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    final String name;
    final int port;
    /** The app's management port ({@code /q/metrics}), -1 for the baseline. */
    final int managementPort;
    final List<String> command;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, int port, int managementPort, List<String> command, Map<String, String> env,
            Path log, URI ready) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.command = command;
        this.log = log;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            this.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        awaitReady(ready);
    }

    /** The packaged application on {@code cpu}, configured through environment variables only, as in production. */
    static ServerProcess app(String name, Path project, Path logs, String cpu, List<String> jvmFlags,
            Map<String, String> env) {
        Path runner = project.resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException(runner + " is missing: package the application first");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cpu, java()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", runner.toString()));
        Map<String, String> all = new HashMap<>(env);
        all.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        all.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        int managementPort = freePort();
        all.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        all.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        return new ServerProcess(name, port, managementPort, command, all, logs.resolve(name + ".log"),
                local(managementPort, "/q/health/ready"));
    }

    /** The raw Vert.x baseline on {@code cpu}, from this JVM's own class path. */
    static ServerProcess raw(String name, Path logs, String cpu, List<String> jvmFlags) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cpu, java()));
        command.addAll(jvmFlags);
        // The test class path carries JBoss LogManager, which, never configured here, enables every level (and keeps
        // records); the baseline logs through the JDK instead (see RawVertxRoomServer#main for Netty and Vert.x).
        command.add("-Dorg.jboss.logging.provider=jdk");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RawVertxRoomServer.class.getName(),
                String.valueOf(port)));
        return new ServerProcess(name, port, -1, command, Map.of(), logs.resolve(name + ".log"),
                local(port, "/health"));
    }

    /** The app's Prometheus scrape. */
    String metrics() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(local(managementPort, "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size in KiB ({@code VmRSS} of {@code /proc/<pid>/status}). */
    long rssKib() {
        return statusField("VmRSS:");
    }

    long threads() {
        return statusField("Threads:");
    }

    private long statusField(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(field + " missing for " + pid());
    }

    /** User plus system CPU time of the whole process, in seconds. */
    double cpuSeconds() {
        try {
            return cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"))) / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CPU time of this process's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}), in seconds:
     * on a fresh JVM, how much of its CPU went to compiling rather than to the requests. Threads that ended are not
     * counted (the JVM may retire compiler threads it no longer needs).
     */
    double compilerCpuSeconds() {
        return overThreads(pid(), task -> {
            String stat = Files.readString(task.resolve("stat"));
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            return comm.startsWith("C1 Compil") || comm.startsWith("C2 Compil") ? cpuTicks(stat) : 0;
        }) / TICKS_PER_SECOND;
    }

    /** Time this process's threads spent runnable but waiting for a CPU, in seconds (see {@link #runQueueWait}). */
    double waitSeconds() {
        return runQueueWait(pid());
    }

    /**
     * Sum over the threads of {@code pid} of the run-queue delay in {@code /proc/<pid>/task/<tid>/schedstat} (second
     * field, nanoseconds): how long they were ready to run while other processes had the CPU. Threads that ended are
     * not counted.
     */
    static double runQueueWait(long pid) {
        return overThreads(pid,
                task -> Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split("\\s+")[1])) / 1e9;
    }

    /** User plus system time, in ticks, of a {@code stat} line of {@code /proc}. */
    private static long cpuTicks(String stat) {
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** What a thread's {@code /proc/<pid>/task/<tid>} directory says, read by {@link #overThreads}. */
    private interface ThreadReading {
        long of(Path task) throws IOException;
    }

    /** The sum of {@code reading} over the live threads of {@code pid}; NaN if they cannot be listed. */
    private static double overThreads(long pid, ThreadReading reading) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    sum += reading.of(task);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return sum;
    }

    /**
     * Live objects by class ({@code jcmd GC.class_histogram}, which runs a full GC first): class name to
     * {instances, bytes}.
     */
    Map<String, long[]> classHistogram() {
        Map<String, long[]> histogram = new HashMap<>();
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
        for (String line : jcmd("GC.class_histogram").lines().toList()) {
            Matcher matcher = row.matcher(line);
            if (matcher.matches()) {
                histogram.put(matcher.group(3),
                        new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))});
            }
        }
        return histogram;
    }

    /**
     * The live heap by owner ({@link HeapOwners}), from a heap dump ({@code jcmd GC.heap_dump}, another full GC) that is
     * deleted once read.
     */
    Map<String, long[]> heapOwners() {
        try {
            Path dump = Files.createTempFile(Path.of("target", "bench"), name + "-", ".hprof");
            Files.delete(dump);
            try {
                jcmd("GC.heap_dump " + dump.toAbsolutePath());
                return HeapOwners.of(dump);
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(pid()), command).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static URI local(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private void awaitReady(URI ready) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(ready)
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException(name + " not ready after " + READY_TIMEOUT + "; see " + log);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

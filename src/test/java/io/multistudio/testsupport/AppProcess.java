package io.multistudio.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) running in its own JVM, for
 * integration tests ({@code *IT}, run by failsafe after {@code package}) that need several instances,
 * restarts or crashes.
 * <p>
 * The application is configured through environment variables only, as in production. The HTTP port and the
 * management interface's port (health, metrics) are chosen here and kept across {@link #restart()}, so clients can
 * reconnect to the same URI.
 */
public final class AppProcess {

    private static final String READY = "/q/health/ready";
    private static final String LIVE = "/q/health/live";
    private static final Path RUNNER = Path.of("quarkus-app", "quarkus-run.jar");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Map<String, String> environment;
    private final int port;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;

    private AppProcess(String name, Map<String, String> environment, int port, int managementPort) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.managementPort = managementPort;
        // Instances must not outlive the test JVM, even when a test forgets to stop them.
        Runtime.getRuntime().addShutdownHook(new Thread(this::killIfRunning, "kill-app-" + name));
    }

    /** The environment of an app node on the shared test Infinispan server, plus {@code extra}. */
    public static Map<String, String> onSharedInfinispan(Map<String, String> extra) {
        return onInfinispan(InfinispanServer.shared().hotRodAddress(), extra);
    }

    /** The environment of an app node on the Infinispan server at {@code hotRodAddress}, plus {@code extra}. */
    public static Map<String, String> onInfinispan(String hotRodAddress, Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(extra);
        environment.put("MULTISTUDIO_INFINISPAN_HOSTS", hotRodAddress);
        environment.put("QUARKUS_INFINISPAN_CLIENT_USE_AUTH", "false");
        environment.put("QUARKUS_INFINISPAN_CLIENT_CLIENT_INTELLIGENCE", "BASIC");
        return environment;
    }

    /**
     * Starts an instance and waits until it is ready.
     *
     * @param name        names the log file {@code target/app-processes/<name>.log}
     * @param environment e.g. {@code QUARKUS_INFINISPAN_CLIENT_HOSTS}; the HTTP host and port are set here
     */
    public static AppProcess start(String name, Map<String, String> environment) {
        return start(name, environment, READY);
    }

    /** Starts an instance and waits until it is live only: for a node whose store is not there yet. */
    public static AppProcess startLive(String name, Map<String, String> environment) {
        return start(name, environment, LIVE);
    }

    private static AppProcess start(String name, Map<String, String> environment, String probe) {
        AppProcess app = new AppProcess(name, environment, Loopback.freePort(), Loopback.freePort());
        try {
            // A new instance starts a new log; its restarts append to it.
            Files.deleteIfExists(app.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        app.launch(probe);
        return app;
    }

    public int port() {
        return port;
    }

    /** An endpoint of the management interface, such as {@code /q/health/ready} or {@code /q/metrics}. */
    public URI managementUri(String path) {
        return URI.create("http://" + Loopback.HOST + ":" + managementPort + path);
    }

    public URI wsUri() {
        return URI.create("ws://" + Loopback.HOST + ":" + port + "/ws");
    }

    public Path logFile() {
        return Processes.buildDirectory().resolve("app-processes").resolve(name + ".log");
    }

    /** The process id of the running instance, for JVM diagnostics ({@code jcmd}). */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** Graceful shutdown (SIGTERM), waiting for the JVM to exit. */
    public synchronized void terminate() {
        Process running = process;
        if (running != null) {
            Processes.terminate(running.toHandle(), TERMINATE_GRACE);
        }
    }

    /** Hard kill (SIGKILL), like a crash: no shutdown hooks, no goodbye to clients or the cluster. */
    public synchronized void kill() {
        Process running = process;
        if (running != null) {
            Processes.kill(running.toHandle());
        }
    }

    /** Terminates the instance if it still runs, then starts it again on the same port. */
    public synchronized AppProcess restart() {
        terminate();
        launch(READY);
        return this;
    }

    private synchronized void launch(String probe) {
        if (isRunning()) {
            throw new IllegalStateException("Application '" + name + "' is already running");
        }
        Path runner = Processes.buildDirectory().resolve(RUNNER);
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException(runner + " is missing: AppProcess needs the packaged application"
                    + " (run the test as an *IT with 'mvn verify')");
        }
        Path log = logFile();
        long logOffset = Processes.size(log);
        ProcessBuilder builder = new ProcessBuilder(Processes.java(), "-Xmx256m", "-jar", runner.toString())
                .directory(Processes.buildDirectory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.putAll(environment);
        env.put("QUARKUS_HTTP_HOST", Loopback.HOST);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_MANAGEMENT_HOST", Loopback.HOST);
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot launch application '" + name + "'", e);
        }
        awaitUp(process, log, logOffset, probe);
    }

    private void awaitUp(Process started, Path log, long logOffset, String probe) {
        try {
            await("application '" + name + "' to answer " + probe)
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("Application process exited", () -> !started.isAlive())
                    .until(() -> status(probe) == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            Processes.kill(started.toHandle());
            throw new IllegalStateException("Application '" + name + "' did not become ready: " + e.getMessage()
                    + System.lineSeparator() + Processes.tail(log, logOffset, 60), e);
        }
    }

    /** The sum of the samples of metric {@code name} (every label set) in a scrape of {@code /q/metrics}; 0 if none. */
    public double metric(String name) throws IOException, InterruptedException {
        String scrape = http.send(HttpRequest.newBuilder(managementUri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return scrape.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** The HTTP status of a management endpoint such as {@code /q/health/ready}; -1 if it does not answer. */
    public int status(String path) {
        HttpRequest request = HttpRequest.newBuilder(managementUri(path))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void killIfRunning() {
        if (isRunning()) {
            Processes.kill(process.toHandle());
        }
    }
}

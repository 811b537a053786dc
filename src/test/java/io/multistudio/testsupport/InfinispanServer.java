package io.multistudio.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;

/**
 * A real Infinispan server running in its own JVM on loopback.
 * <p>
 * Each node gets a root folder {@code target/infinispan-server/<name>} with {@code conf/} copied from
 * {@code src/test/infinispan/conf}, and empty {@code data/}, {@code lib/} and {@code log/}. The server's
 * jars are resolved by {@link InfinispanServerClasspath} and never reach the tests' class path.
 * <p>
 * Most tests use {@link #shared()}. Tests that stop, kill or cluster servers build their own:
 *
 * <pre>{@code
 * List<Integer> clusterPorts = InfinispanServer.allocateClusterPorts(2);
 * InfinispanServer a = InfinispanServer.builder().name("a").clusterMember(clusterPorts, 0).build().start();
 * InfinispanServer b = InfinispanServer.builder().name("b").clusterMember(clusterPorts, 1).build().start();
 * }</pre>
 */
public final class InfinispanServer {

    private static final Path PROJECT_CONF = Path.of("src", "test", "infinispan", "conf");
    private static final String STARTED = "ISPN080001:";
    private static final String FAILED = "ISPN080028:";
    /** "ISPN000094: Received new cluster view for channel c: [a|3] (2) [a, b]": the member count is in parentheses. */
    private static final Pattern CLUSTER_VIEW = Pattern.compile("ISPN000094: .*\\|\\d+\\] \\((\\d+)\\)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration EXIT_GRACE = Duration.ofSeconds(10);

    /**
     * JGroups' FD_SOCK2 listens on the cluster port plus this offset on every node; the stack's default
     * (50000) overflows the port range for ephemeral cluster ports.
     */
    private static final int FAILURE_DETECTION_PORT_OFFSET = 100;

    /*
     * Quarkus loads test classes in several class loaders, so a static field alone would start one
     * server per loader. The shared server is therefore registered in a system property ("pid port"),
     * and guarded by a string literal, which is interned and so the same monitor in every loader.
     * The property is not under "multistudio.": the application's config mapping rejects unknown keys there.
     */
    private static final String SHARED_PROPERTY = "io.multistudio.testsupport.shared-infinispan";
    private static final String SHARED_LOCK = "io.multistudio.testsupport.InfinispanServer.shared";
    private static InfinispanServer shared;

    private final String name;
    private final int hotRodPort;
    private final List<Integer> clusterPorts;
    private final int nodeIndex;
    private final boolean isShared;
    private final boolean underLoad;
    private volatile ProcessHandle process;
    /** Where the log of the current (or last) run starts. */
    private volatile long runLogOffset;
    private boolean rootPrepared;
    private boolean shutdownHookAdded;

    private InfinispanServer(String name, int hotRodPort, List<Integer> clusterPorts, int nodeIndex,
            boolean isShared, boolean underLoad) {
        this.name = name;
        this.underLoad = underLoad;
        this.hotRodPort = hotRodPort;
        this.clusterPorts = clusterPorts;
        this.nodeIndex = nodeIndex;
        this.isShared = isShared;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The server of the whole test run: started on first use, stopped when the test JVM exits. It must
     * not be stopped or killed by a test, as later test classes still use it.
     */
    public static InfinispanServer shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || !shared.isRunning()) {
                shared = registeredShared().orElseGet(InfinispanServer::startShared);
            }
            return shared;
        }
    }

    /**
     * JGroups ports for the members of one cluster, one per node index. Every port leaves room for the
     * failure detection port beside it.
     */
    public static List<Integer> allocateClusterPorts(int nodes) {
        return IntStream.range(0, nodes)
                .mapToObj(i -> Loopback.freePortWithCompanion(FAILURE_DETECTION_PORT_OFFSET))
                .toList();
    }

    /**
     * Starts the server and waits until it accepts Hot Rod connections. The first start wipes the node's
     * root folder; a restart after {@link #stop()} or {@link #kill()} keeps the ports and {@code data/}
     * (like a real restarted node, it recovers the caches created before) and appends to the log.
     */
    public synchronized InfinispanServer start() {
        requireOwned("start");
        launch();
        return this;
    }

    /** Graceful shutdown (SIGTERM): the node leaves the cluster cleanly. */
    public synchronized void stop() {
        requireOwned("stop");
        ProcessHandle running = process;
        if (running != null) {
            Processes.terminate(running, STOP_GRACE);
        }
    }

    /** Hard kill (SIGKILL), like a crashed machine: the cluster only notices via failure detection. */
    public synchronized void kill() {
        requireOwned("kill");
        ProcessHandle running = process;
        if (running != null) {
            Processes.kill(running);
        }
    }

    public boolean isRunning() {
        ProcessHandle running = process;
        return running != null && running.isAlive();
    }

    /** The Hot Rod endpoint as {@code host:port}, the format of {@code quarkus.infinispan-client.hosts}. */
    public String hotRodAddress() {
        return Loopback.HOST + ":" + hotRodPort;
    }

    /** A Hot Rod client of this server alone, for a test that looks into the application's caches; to be closed. */
    public RemoteCacheManager client() {
        return new RemoteCacheManager(new ConfigurationBuilder().addServers(hotRodAddress())
                .clientIntelligence(ClientIntelligence.BASIC).build());
    }

    public Path logFile() {
        return root().resolve("log").resolve("server.log");
    }

    /**
     * How many members the latest cluster view this node logged during its current run has, 0 if it logged none yet.
     * A clustered node that sees fewer members than were started has not (yet) joined the others.
     */
    public int clusterViewSize() {
        int size = 0;
        for (String line : Processes.readFrom(logFile(), runLogOffset).lines().toList()) {
            Matcher view = CLUSTER_VIEW.matcher(line);
            if (view.find()) {
                size = Integer.parseInt(view.group(1));
            }
        }
        return size;
    }

    private static Optional<InfinispanServer> registeredShared() {
        String registered = System.getProperty(SHARED_PROPERTY);
        if (registered == null) {
            return Optional.empty();
        }
        String[] pidAndPort = registered.split(" ");
        return ProcessHandle.of(Long.parseLong(pidAndPort[0]))
                .filter(ProcessHandle::isAlive)
                .map(running -> {
                    InfinispanServer attached = new InfinispanServer("shared", Integer.parseInt(pidAndPort[1]),
                            List.of(), 0, true, false);
                    attached.process = running;
                    return attached;
                });
    }

    private static InfinispanServer startShared() {
        InfinispanServer server = builder().name("shared").build(true);
        server.launch();
        System.setProperty(SHARED_PROPERTY, server.process.pid() + " " + server.hotRodPort);
        return server;
    }

    private void requireOwned(String operation) {
        if (isShared) {
            throw new UnsupportedOperationException("Cannot " + operation
                    + " the shared Infinispan server, other test classes use it; build a dedicated one");
        }
    }

    private synchronized void launch() {
        if (isRunning()) {
            throw new IllegalStateException("Infinispan server '" + name + "' is already running");
        }
        if (!rootPrepared) {
            prepareRoot();
            rootPrepared = true;
        }
        if (!shutdownHookAdded) {
            // Servers must not outlive the test JVM, even when a test forgets to stop them.
            Runtime.getRuntime().addShutdownHook(new Thread(this::terminateOnExit, "stop-infinispan-" + name));
            shutdownHookAdded = true;
        }
        List<String> command = command();
        Path log = logFile();
        long logOffset = Processes.size(log);
        runLogOffset = logOffset;
        long startedAt = System.nanoTime();
        Process started;
        try {
            started = new ProcessBuilder(command)
                    .directory(root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot launch Infinispan server '" + name + "'", e);
        }
        process = started.toHandle();
        awaitStarted(started, log, logOffset);
        System.out.printf("Infinispan server '%s' started on %s in %d ms (log: %s)%n", name, hotRodAddress(),
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), log);
    }

    private void terminateOnExit() {
        ProcessHandle running = process;
        if (running != null && running.isAlive()) {
            Processes.terminate(running, EXIT_GRACE);
        }
    }

    // A JVM that failed to boot the server (e.g. an NPE on a bad root folder) stays up without listening,
    // so the port alone proves nothing: Infinispan must also have logged that it started.
    private void awaitStarted(Process started, Path log, long logOffset) {
        try {
            await("Infinispan server '" + name + "' to start")
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("Infinispan server process exited", () -> !started.isAlive())
                    .failFast("Infinispan server logged a failed start",
                            () -> Processes.readFrom(log, logOffset).contains(FAILED))
                    .until(() -> acceptsConnections() && Processes.readFrom(log, logOffset).contains(STARTED));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            Processes.kill(started.toHandle());
            throw new IllegalStateException("Infinispan server '" + name + "' did not start: " + e.getMessage()
                    + System.lineSeparator() + Processes.tail(log, logOffset, 40), e);
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.HOST, hotRodPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private List<String> command() {
        String initialHosts = clusterPorts.stream()
                .map(port -> Loopback.HOST + "[" + port + "]")
                .collect(Collectors.joining(","));
        // Derived from the members' ports, hence the same on every member and unique among concurrent runs.
        String clusterName = "multistudio-test-" + clusterPorts.get(0);
        Path root = root();
        return List.of(
                Processes.java(),
                // A short-lived server on a small test machine: start-up time and footprint matter more
                // than peak throughput (C1 only and the serial collector save ~1 s and ~100 MB RSS). One
                // that is measured under load runs as the distribution's launcher would: both compilers,
                // its 512 MiB heap.
                underLoad ? "-Xmx512m" : "-Xmx256m",
                underLoad ? "-XX:+TieredCompilation" : "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Djava.net.preferIPv4Stack=true",
                "-Dlog4j.configurationFile=" + root.resolve("conf").resolve("log4j2.xml"),
                "-Dinfinispan.server.home.path=" + root,
                "-Djgroups.bind.address=" + Loopback.HOST,
                "-Djgroups.bind.port=" + clusterPorts.get(nodeIndex),
                // Without this JGroups silently moves to the next port when its own is taken, and the
                // other members would never find it.
                "-Djgroups.port_range=0",
                "-Djgroups.fd.port-offset=" + FAILURE_DETECTION_PORT_OFFSET,
                "-Djgroups.tcpping.initial_hosts=" + initialHosts,
                // A cluster of one has nobody to wait for; the stack's 2 s default lets members find each other.
                "-Djgroups.join_timeout=" + (clusterPorts.size() == 1 ? "100ms" : "2s"),
                "-cp", InfinispanServerClasspath.get(),
                "org.infinispan.server.Bootstrap",
                "-s", root.toString(),
                "-c", "infinispan.xml",
                "-b", Loopback.HOST,
                "-p", String.valueOf(hotRodPort),
                "-n", name,
                "-g", clusterName);
    }

    private void prepareRoot() {
        Path root = root();
        try {
            deleteRecursively(root);
            Path conf = Files.createDirectories(root.resolve("conf"));
            try (Stream<Path> files = Files.list(Processes.projectDirectory().resolve(PROJECT_CONF))) {
                for (Path file : files.toList()) {
                    Files.copy(file, conf.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            // lib/ is where a real server keeps extra jars; the server fails with an NPE without it.
            for (String dir : List.of("data", "lib", "log")) {
                Files.createDirectories(root.resolve(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + root, e);
        }
    }

    private Path root() {
        return Processes.buildDirectory().resolve("infinispan-server").resolve(name);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    public static final class Builder {

        private String name;
        private List<Integer> clusterPorts;
        private int nodeIndex;
        private boolean underLoad;

        private Builder() {
        }

        /** Names the node and its folder under {@code target/infinispan-server}; defaults to {@code node<index>}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Makes this server member {@code nodeIndex} of the cluster whose JGroups ports are
         * {@code clusterPorts} (see {@link #allocateClusterPorts(int)}). Without it the server is a
         * cluster of one.
         */
        public Builder clusterMember(List<Integer> clusterPorts, int nodeIndex) {
            if (nodeIndex < 0 || nodeIndex >= clusterPorts.size()) {
                throw new IllegalArgumentException("Node index " + nodeIndex + " outside " + clusterPorts);
            }
            this.clusterPorts = List.copyOf(clusterPorts);
            this.nodeIndex = nodeIndex;
            return this;
        }

        /**
         * Tunes the server for throughput rather than start-up: a benchmark's store, which must not be the slower
         * side because of settings that only shorten a test's start.
         */
        public Builder underLoad() {
            this.underLoad = true;
            return this;
        }

        public InfinispanServer build() {
            return build(false);
        }

        private InfinispanServer build(boolean isShared) {
            List<Integer> members = clusterPorts != null ? clusterPorts : allocateClusterPorts(1);
            return new InfinispanServer(name != null ? name : "node" + nodeIndex, Loopback.freePort(), members,
                    nodeIndex, isShared, underLoad);
        }
    }
}

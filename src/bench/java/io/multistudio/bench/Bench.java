package io.multistudio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark: runs the workloads against the packaged application and the {@link RawVertxRoomServer} baseline in
 * one run, each server in its own JVM pinned to CPU 0 while this generator runs pinned to CPU 1 (the run script pins
 * it), and writes {@code target/bench/results.md}. It reports; it asserts nothing. Run it with {@code bench/run}
 * (see {@code docs/benchmarks.md}); {@code bench/run --help} lists the options.
 */
public final class Bench {

    static final String USAGE = """
            Usage: bench/run [options]
              --workloads LIST     fanout,coldstart,connect,idle,resume,overload,hotroom (default: all; the last
                                   two: app only; hotroom: 1 room x 100 members, each engine, Infinispan x2 too)
              --hotroom-rate N     instead of the hot room's sweep, one step at N SEND/s
              --targets LIST       raw,app (default: both)
              --engines LIST       engines of the app: memory,infinispan (default: resume on both, the other
                                   workloads on memory; given, fan-out and connect run on each, Infinispan also
                                   with two app nodes, and the report adds an Engines section)
              --server-jvm FLAGS   JVM flags of both servers (default: "-Xmx512m")
              --server-cpu N       CPU the servers are pinned to (default: 0)
              --app-env LIST       extra environment of the app, KEY=VALUE,KEY=VALUE (configuration experiments)
              --rooms N            fan-out rooms (default: 50)
              --members N          fan-out members per room (default: 10)
              --idle N             idle connections (default: 10000)
              --overload-seconds N length of the overload at twice the saturation rate (default: 60)
              --overload-saturation N  deliveries/s taken as saturation instead of sweeping for it
              --fanout-rate N      instead of the sweep, 10 s warm-up and 15 s measured at N SEND/s (flag comparisons)
              --label TEXT         names this run in the report (default: "baseline flags")
              --out FILE           report file under target/bench (default: results.md)
              --quick              short smoke run (fewer steps, shorter windows, 1,000 idle connections)
              --profile            instead of the workloads: JFR profile of the application under load
              --profile-target T   app or raw (default: app)
              --profile-engine E   the app's engine while profiling: memory or infinispan (default: memory;
                                   Infinispan started by the bench as for --engines)
              --profile-workload W fanout (at --profile-rate) or connect (the connect cycle) (default: fanout)
              --profile-rate N     SEND/s offered while profiling (default: 8000)
              --profile-seconds N  length of the profiled window (default: 30)
            """;

    private final Map<String, String> options;
    private final Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    private final Path out = project.resolve("target").resolve("bench");
    private final Path logs = out.resolve("logs");
    private final boolean quick;
    private final List<String> serverJvm;
    private final String serverCpu;
    private final Report report;
    private final EngineReport engines = new EngineReport();

    private Bench(Map<String, String> options) {
        this.options = options;
        this.quick = options.containsKey("quick");
        this.serverJvm = List.of(option("server-jvm", "-Xmx512m").trim().split("\\s+"));
        this.serverCpu = option("server-cpu", "0");
        this.report = new Report(option("label", "baseline flags"));
    }

    public static void main(String[] args) throws Exception {
        String fromEnvironment = System.getenv("BENCH_ARGS");
        Map<String, String> options = Options.parse(args.length == 0 && fromEnvironment != null
                ? new String[] {fromEnvironment} : args);
        if (options.containsKey("help")) {
            System.out.print(USAGE);
            return;
        }
        new Bench(options).run();
        // Vert.x and the Infinispan launcher leave non-daemon threads behind.
        System.exit(0);
    }

    private void run() throws IOException {
        Files.createDirectories(logs);
        report.machine(serverJvm, serverCpu, option("app-env", ""));
        System.out.println(report.machineText());
        long start = System.nanoTime();
        try (Generator gen = new Generator()) {
            if (options.containsKey("profile")) {
                profile(gen);
                return;
            }
            List<String> workloads = list("workloads", "fanout,coldstart,connect,idle,resume,overload,hotroom");
            List<String> targets = list("targets", "raw,app");
            for (String workload : workloads) {
                String load = Machine.loadAverage();
                System.out.println("== " + workload + " (load average " + load + ")");
                report.load(workload, load);
                switch (workload) {
                    case "fanout" -> targets.forEach(target -> fanout(gen, target));
                    case "coldstart" -> targets.forEach(target -> coldStart(gen, target));
                    case "connect" -> targets.forEach(target -> connect(gen, target));
                    case "idle" -> targets.forEach(target -> idle(gen, target));
                    case "resume" -> resume(gen, targets);
                    case "overload" -> overload(gen);
                    case "hotroom" -> hotRoom(gen);
                    default -> throw new IllegalArgumentException("Unknown workload " + workload);
                }
            }
        }
        report.finished(Duration.ofNanos(System.nanoTime() - start), Machine.loadAverage());
        Path file = out.resolve(option("out", "results.md"));
        String markdown = report.markdown() + engines.markdown();
        Files.writeString(file, markdown, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(markdown);
        System.out.println("Written to " + project.relativize(file));
    }

    private ServerProcess start(String target, String engine, Map<String, String> extraEnv, List<String> extraJvm) {
        List<String> jvm = new ArrayList<>(serverJvm);
        jvm.addAll(extraJvm);
        String name = target + "-" + engine + "-" + System.currentTimeMillis();
        if ("raw".equals(target)) {
            return ServerProcess.raw(name, logs, serverCpu, jvm);
        }
        Map<String, String> env = new HashMap<>();
        env.put("MULTISTUDIO_ENGINE", engine);
        // The generator's clients send far faster than the production default of 50 messages/s per connection.
        env.put("MULTISTUDIO_RATE_LIMIT", "1000000");
        env.put("MULTISTUDIO_RATE_BURST", "1000000");
        env.put("MULTISTUDIO_MAX_CONNECTIONS", "50000");
        // Every client of the generator comes from 127.0.0.1.
        env.put("MULTISTUDIO_MAX_CONNECTIONS_PER_ADDRESS", "50000");
        for (String pair : list("app-env", "")) {
            env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        env.putAll(extraEnv);
        return ServerProcess.app(name, project, logs, serverCpu, jvm, env);
    }

    private void fanout(Generator gen, String target) {
        if ("raw".equals(target)) {
            try (ServerProcess server = start(target, "memory", Map.of(), List.of())) {
                fanout(gen, target, List.of(server));
            }
            return;
        }
        for (String engine : appEngines()) {
            onEngine(engine, 1, servers -> fanout(gen, engine, servers));
            if ("infinispan".equals(engine)) {
                onEngine(engine, 2, servers -> fanout(gen, engine + " ×2", servers));
            }
        }
    }

    /** The sweep on {@code servers}; for the app on an engine also the set-up rate and the store calls per SEND. */
    private void fanout(Generator gen, String target, List<ServerProcess> servers) {
        int rooms = intOption("rooms", 50);
        int members = intOption("members", 10);
        boolean app = !"raw".equals(target);
        try (Fanout fanout = new Fanout(gen, servers, rooms, members, false)) {
            StoreCalls beforeSetUp = app ? StoreCalls.read(servers) : null;
            SetUp setUp = fanout.setUp(app ? 100 : 50);
            System.out.println("  " + target + " set-up: " + setUp.summary());
            String setUpCalls = app ? StoreCalls.read(servers).perRequest(beforeSetUp, setUp.joiners()) : "";
            // Warm-up: the JIT compiles the hot path before anything is measured, first at the sweep's starting
            // rate, then at five times it, so that the paths of full batches are compiled too and the compiler's
            // own CPU does not land on the first steps (it is the process's CPU, counted per delivery).
            fanout.step(quick ? 500 : 1000, Duration.ofSeconds(quick ? 2 : 4), Duration.ofSeconds(1));
            fanout.step(quick ? 2500 : 5000, Duration.ofSeconds(quick ? 2 : 8), Duration.ofSeconds(1));
            String profile = "";
            if (app) {
                StoreCalls before = StoreCalls.read(servers);
                Step profiled = fanout.step(1000, Duration.ofMillis(1), Duration.ofSeconds(5));
                profile = StoreCalls.read(servers).perRequest(before, profiled.sentPerSecond() * 5);
            }
            List<Step> steps;
            if (options.containsKey("fanout-rate")) {
                // One long step at a fixed rate after a longer warm-up: for comparing flags by CPU per delivery.
                double rate = Double.parseDouble(option("fanout-rate", "2000"));
                fanout.step(rate, Duration.ofSeconds(10), Duration.ofSeconds(1));
                steps = List.of(fanout.step(rate, Duration.ofSeconds(1), Duration.ofSeconds(15)));
                System.out.println("  " + target + " " + steps.get(0).summary());
            } else {
                steps = fanout.sweep(1000, 1.5, quick ? 3 : 10, Duration.ofMillis(quick ? 1000 : 2000),
                        Duration.ofSeconds(quick ? 2 : 5), quick ? 0 : Fanout.MEASURED_DELIVERIES);
            }
            if (options.containsKey("engines")) {
                // The same set-up again on the warm servers: what the fresh set-up owes to the JVM's warm-up.
                try (Fanout again = new Fanout(gen, servers, rooms, members, false)) {
                    SetUp warm = again.setUp(app ? 100 : 50);
                    System.out.println("  " + target + " set-up, warm: " + warm.summary());
                    engines.warmSetUp(target, warm);
                }
            }
            if (!app || "memory".equals(target)) {
                report.fanout(app ? "app" : target, rooms, members, steps);
            }
            if (app && options.containsKey("engines")) {
                engines.fanout(target, rooms + " × " + members, setUp, steps, profile, setUpCalls);
            }
            if (!app) {
                engines.baseline(setUp);
            }
        }
    }

    /** The app's engines for the workloads other than resume. */
    private List<String> appEngines() {
        return options.containsKey("engines") ? list("engines", "memory") : List.of("memory");
    }

    /** Runs {@code body} on {@code nodes} app nodes on {@code engine} (see {@link AppNodes}). */
    private void onEngine(String engine, int nodes, Consumer<List<ServerProcess>> body) {
        AppNodes.run(engine, nodes, env -> start("app", engine, env, List.of()), body);
    }

    /** The hot room on each engine of the app, on Infinispan also over two app nodes (see {@link HotRoom}). */
    private void hotRoom(Generator gen) {
        for (String engine : appEngines()) {
            for (int nodes = 1; nodes <= ("infinispan".equals(engine) ? 2 : 1); nodes++) {
                String target = engine + (nodes > 1 ? " ×" + nodes : "");
                onEngine(engine, nodes, servers -> {
                    try {
                        engines.hotRoom(target, HotRoom.run(gen, servers, 100, 500, quick ? 3 : 8,
                                Double.parseDouble(option("hotroom-rate", "0")), Duration.ofSeconds(quick ? 2 : 4)));
                    } catch (IllegalStateException e) {
                        // A refused set-up is a figure too: reported, and the run goes on.
                        System.out.println("  " + target + " hot room: " + e.getMessage());
                        engines.failed(target, "hot room: " + e.getMessage());
                    }
                });
            }
        }
    }

    /** The fan-out load on a fresh server at once, shaped as in issue 13 (50 rooms × 20 members, 95k/s). */
    private void coldStart(Generator gen, String target) {
        try (ServerProcess server = start(target, "memory", Map.of(), List.of())) {
            report.coldStart(target, ColdStart.run(gen, server, 50, 20));
        }
    }

    /** Twice the application's saturation rate for a minute, then half of it (issue 14): what it still delivers. */
    private void overload(Generator gen) {
        try (ServerProcess server = start("app", "memory", Map.of(), List.of());
                Fanout fanout = new Fanout(gen, server, intOption("rooms", 50), intOption("members", 10))) {
            fanout.setUp();
            Overload.Result result = Overload.run(fanout, server,
                    Duration.ofSeconds(intOption("overload-seconds", quick ? 15 : 60)),
                    intOption("overload-saturation", 0) / (double) intOption("members", 10));
            report.section(result.markdown());
        }
    }

    private void connect(Generator gen, String target) {
        if ("raw".equals(target)) {
            try (ServerProcess server = start(target, "memory", Map.of(), List.of())) {
                connect(gen, target, server);
            }
            return;
        }
        for (String engine : appEngines()) {
            onEngine(engine, 1, servers -> connect(gen, engine, servers.get(0)));
        }
    }

    private void connect(Generator gen, String target, ServerProcess server) {
        // Warm-up (the JIT) of both measured paths, then the closed loop with closes, then the burst into rooms of 1
        // owner + 8 joiners. The cycle alone did not warm the burst: after 80 s of cycles the application's compilers
        // still took 35% of its CPU during the burst (the baseline's 3%), compiling what only the burst runs (the
        // presence events to the room's other members, the connections that stay). So bursts of the same size run
        // first, their clients leaving before the next, until the compilers take under 5% of a core during one (at
        // most three). Each result reports its compilers' share, which says how far the JIT was done.
        int joiners = quick ? 2000 : 8000;
        new ConnectRate(gen, server, 64, 64).run(Duration.ofSeconds(quick ? 2 : 20), Duration.ofSeconds(1));
        for (int round = 1; round <= 3; round++) {
            ConnectRate.Result warm = new ConnectRate(gen, server, joiners / 8, 64).burst(joiners);
            System.out.println("  " + target + " warm-up burst " + round + ": " + warm.summary());
            if (warm.cpu().compiler() < 0.05) {
                break;
            }
        }
        ConnectRate.Result cycle = new ConnectRate(gen, server, 64, 64)
                .run(Duration.ofSeconds(1), Duration.ofSeconds(quick ? 3 : 6));
        System.out.println("  " + target + " cycle: " + cycle.summary());
        ConnectRate.Result burst = new ConnectRate(gen, server, joiners / 8, 64).burst(joiners);
        System.out.println("  " + target + " burst: " + burst.summary());
        if (!"infinispan".equals(target)) {
            report.connect("memory".equals(target) ? "app" : target, burst, cycle);
        }
        if (options.containsKey("engines") && !"raw".equals(target)) {
            engines.connect(target, burst);
        }
    }

    private void idle(Generator gen, String target) {
        int connections = intOption("idle", quick ? 1000 : 10_000);
        int warmCycles = quick ? 500 : 3000;
        IdleMemory.Result result;
        try (ServerProcess server = start(target, "memory", Map.of(), List.of())) {
            result = new IdleMemory(gen, server, connections, 10).run(warmCycles);
            System.out.println("  " + target + " " + result.summary());
        }
        try (ServerProcess server = start(target, "memory", Map.of(), List.of())) {
            report.idle(target, result.withOwners(new IdleMemory(gen, server, connections, 10).owners(warmCycles)));
        }
    }

    private void resume(Generator gen, List<String> targets) {
        int iterations = quick ? 20 : 200;
        for (String engine : list("engines", "memory,infinispan")) {
            for (String target : targets) {
                if ("raw".equals(target) && !"memory".equals(engine)) {
                    continue;
                }
                Consumer<List<ServerProcess>> run = servers -> {
                    Resume resume = new Resume(gen, servers.get(0), 100);
                    Resume.Result result = resume.run(quick ? 5 : 30,
                            "infinispan".equals(engine) ? iterations / 2 : iterations,
                            Duration.ofSeconds(quick ? 30 : 90));
                    System.out.println("  " + target + "/" + engine + " " + result.summary());
                    report.resume(target, engine, result);
                };
                if ("raw".equals(target)) {
                    try (ServerProcess server = start(target, engine, Map.of(), List.of())) {
                        run.accept(List.of(server));
                    }
                } else {
                    onEngine(engine, 1, run);
                }
            }
        }
    }

    /** {@code --profile}: see {@link Profile}. */
    private void profile(Generator gen) throws IOException {
        Profile.Settings settings = new Profile.Settings(option("profile-target", "app"),
                option("profile-engine", "memory"), option("profile-workload", "fanout"),
                Double.parseDouble(option("profile-rate", "8000")), intOption("profile-seconds", 30),
                intOption("rooms", 50), intOption("members", 10), String.join(" ", serverJvm));
        Path file = new Profile(gen, settings, out).run(this::start);
        System.out.println("Written to " + project.relativize(file) + " (and its .jfr recording)");
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(option(name, String.valueOf(fallback)));
    }

    private List<String> list(String name, String fallback) {
        return Arrays.stream(option(name, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}

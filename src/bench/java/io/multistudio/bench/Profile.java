package io.multistudio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/run --profile}: one workload (fan-out at a fixed rate, or the connect cycle) on one server with Flight
 * Recorder on, then the hot spots read from the recording within the measured window only, and for the app the store
 * calls per request in that window (from its engine metrics). The app runs on the engine asked for; on Infinispan the
 * bench starts the store as for the workloads ({@link AppNodes}).
 */
record Profile(Generator gen, Settings settings, Path out) {

    /** Starts a server: target, engine, extra environment, extra JVM flags. */
    interface Starter {
        ServerProcess start(String target, String engine, Map<String, String> env, List<String> jvm);
    }

    /** What to profile; {@code engine} is the app's, ignored for the raw baseline. */
    record Settings(String target, String engine, String workload, double rate, int seconds, int rooms,
            int members, String serverJvm) {
    }

    /** Records, analyzes and writes {@code profile-<target>[-<engine>]-<workload>.md}; yields its path. */
    Path run(Starter starter) throws IOException {
        boolean app = !"raw".equals(settings.target());
        String name = "profile-" + settings.target() + (app && !"memory".equals(settings.engine())
                ? "-" + settings.engine() : "") + "-" + settings.workload();
        Path jfr = out.resolve(name + ".jfr");
        Files.deleteIfExists(jfr);
        // Debug information at every instruction, not only at safepoints: without it JFR puts a sample on the
        // nearest method the JIT left such information for, which put the batch's write under an idle handler that
        // is not even in the pipeline.
        List<String> flags = List.of("-XX:+FlightRecorder", "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                "-XX:StartFlightRecording=name=bench,settings=profile,filename=" + jfr + ",dumponexit=true");
        Window[] window = new Window[1];
        String engine = app ? settings.engine() : "memory";
        AppNodes.run(engine, 1, env -> starter.start(settings.target(), engine, env, flags), servers -> {
            window[0] = record(servers.get(0), app);
            servers.get(0).jcmd("JFR.dump name=bench filename=" + jfr);
        });
        Window measured = window[0];
        String analysis = JfrTop.analyze(jfr, measured.from(), measured.to(), 25);
        String text = "# JFR profile: " + settings.target() + (app ? " on " + engine : "") + " under "
                + settings.workload() + "\n\n" + "Load: " + measured.load() + "\n\n"
                + "Window: " + measured.from().truncatedTo(ChronoUnit.SECONDS) + " .. "
                + measured.to().truncatedTo(ChronoUnit.SECONDS) + " (load average at the end " + Machine.loadAverage()
                + "), server JVM: `" + settings.serverJvm() + " -XX:+FlightRecorder -XX:+DebugNonSafepoints"
                + " -XX:StartFlightRecording="
                + "name=bench,settings=profile,…`\n\n"
                + (measured.storeCalls().isEmpty() ? "" : "Store calls per " + measured.request() + " in the window:\n\n"
                        + measured.storeCalls() + "\n")
                + analysis;
        Path file = out.resolve(name + ".md");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        System.out.println(text);
        return file;
    }

    /** The measured window of the workload on {@code server}. */
    private Window record(ServerProcess server, boolean app) {
        int seconds = settings.seconds();
        if ("connect".equals(settings.workload())) {
            new ConnectRate(gen, server, 64, 64).run(Duration.ofSeconds(5), Duration.ofSeconds(1));
            StoreCalls before = app ? StoreCalls.read(List.of(server)) : null;
            Instant from = Instant.now().plusSeconds(1);
            ConnectRate.Result result = new ConnectRate(gen, server, 64, 64)
                    .run(Duration.ofSeconds(1), Duration.ofSeconds(seconds));
            // The cycle's warm-up second and its owners' set-up fall in the reading too: a little over per cycle.
            String calls = app ? StoreCalls.read(List.of(server)).perRequest(before, result.perSecond() * seconds)
                    : "";
            return new Window(from, from.plusSeconds(seconds), "connect cycle: " + result.summary(),
                    "HELLO + JOIN_ROOM + close", calls);
        }
        try (Fanout fanout = new Fanout(gen, server, settings.rooms(), settings.members())) {
            fanout.setUp();
            fanout.step(settings.rate(), Duration.ofSeconds(5), Duration.ofSeconds(1));
            StoreCalls before = app ? StoreCalls.read(List.of(server)) : null;
            Instant from = Instant.now();
            Step step = fanout.step(settings.rate(), Duration.ofMillis(1), Duration.ofSeconds(seconds));
            String calls = app ? StoreCalls.read(List.of(server)).perRequest(before, step.sentPerSecond() * seconds)
                    : "";
            System.out.println("  profiled fan-out " + step.summary());
            return new Window(from, from.plusSeconds(seconds), "fan-out " + step.summary(), "SEND", calls);
        }
    }

    private record Window(Instant from, Instant to, String load, String request, String storeCalls) {
    }
}

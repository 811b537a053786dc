package io.multistudio.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The app on each engine in one run (issue 18): fan-out saturation and its ratio to the memory engine, the set-up
 * phase (HELLO + JOIN_ROOM of every member), a hot room, the connect burst, and the store calls per request.
 */
final class EngineReport {

    /** Keyed by engine, with the number of app nodes when more than one ("infinispan ×2"). */
    private final Map<String, SetUp> setUps = new LinkedHashMap<>();
    /** The same set-up again on the same servers after their sweep, keyed like {@link #setUps} ("raw" too). */
    private final Map<String, SetUp> warmSetUps = new LinkedHashMap<>();
    private final Map<String, String> setUpCallTables = new LinkedHashMap<>();
    private final Map<String, List<Step>> sweeps = new LinkedHashMap<>();
    private final Map<String, HotRoom.Result> hotRooms = new LinkedHashMap<>();
    private final Map<String, ConnectRate.Result> connects = new LinkedHashMap<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private String shape = "";
    /** The raw Vert.x baseline's own set-up on its fresh server, {@code null} if it did not run. */
    private SetUp baseline;

    /**
     * @param setUpCalls store calls per joiner of the set-up (the rooms' creations by their owners included)
     */
    void fanout(String engine, String shape, SetUp setUp, List<Step> steps, String profile, String setUpCalls) {
        this.shape = shape;
        setUps.put(engine, setUp);
        setUpCallTables.put(engine, setUpCalls);
        sweeps.put(engine, steps);
        profiles.put(engine, profile);
    }

    /** {@code engine}'s set-up run again on its servers once they had run the sweep: the joins of a warm JVM. */
    void warmSetUp(String engine, SetUp setUp) {
        warmSetUps.put(engine, setUp);
    }

    /** The baseline's set-up: how fast a fresh JVM takes joins at all, next to the app's on each engine. */
    void baseline(SetUp setUp) {
        baseline = setUp;
    }

    void hotRoom(String engine, HotRoom.Result result) {
        hotRooms.put(engine, result);
    }

    void failed(String engine, String what) {
        failures.merge(engine, what, (first, second) -> first + "; " + second);
    }

    void connect(String engine, ConnectRate.Result burst) {
        connects.put(engine, burst);
    }

    String markdown() {
        if (sweeps.isEmpty() && connects.isEmpty() && hotRooms.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Engines\n\n");
        md.append("| engine | fan-out saturation (").append(shape).append("), deliveries/s | p99 (ms) | ÷ memory |")
                .append(" set-up HELLO + JOIN_ROOM/s | set-up p99 (ms) | hot room (1 × 100) events committed/s | p99 (ms) |")
                .append(" seq races lost per SEND | connect burst/s | p99 (ms) |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Step memory = Report.best(sweeps.get("memory"));
        for (String engine : keys()) {
            Step best = Report.best(sweeps.get(engine));
            HotRoom.Result hotRoom = hotRooms.get(engine);
            Step hot = hotRoom == null ? null : hotRoom.best();
            SetUp setUp = setUps.get(engine);
            ConnectRate.Result connect = connects.get(engine);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    engine,
                    best == null ? "–" : Report.count(best.deliveredPerSecond()),
                    best == null ? "–" : Report.ms(best.p99()),
                    best == null || memory == null ? "–"
                            : Report.num(best.deliveredPerSecond() / memory.deliveredPerSecond()),
                    setUp == null ? "–" : Report.count(setUp.perSecond()),
                    setUp == null ? "–" : Report.ms(setUp.p99()),
                    hot == null ? "–" : Report.count(hot.committedPerSecond()),
                    hot == null ? "–" : Report.ms(hot.p99()),
                    hot == null ? "–" : Report.num(hotRoom.lostPerSend(hot)),
                    connect == null ? "–" : Report.count(connect.perSecond()),
                    connect == null ? "–" : Report.ms(connect.p99())));
        }
        if (baseline != null) {
            md.append(String.format(Locale.ROOT, "| raw Vert.x (set-up at %d concurrent) | – | – | – | %s | %s | – | – | – | – | – |%n",
                    baseline.concurrency(), Report.count(baseline.perSecond()), Report.ms(baseline.p99())));
        }
        md.append("\nSaturation: the largest step of the sweep with p99 ≤ 50 ms; ÷ memory: its ratio to the memory")
                .append(" engine's in this run (target ≥ 0.6 for Infinispan). Hot room: the largest step with p99 ≤ 50 ms and")
                .append(" nothing refused; each SEND goes to one member (delivered twice), events committed/s are the")
                .append(" distinct seqs delivered (target ≥ 2,000/s on Infinispan). Set-up: HELLO + JOIN_ROOM of every")
                .append(" member on a freshly started server; the raw Vert.x baseline's (its own fresh JVM, same rooms)")
                .append(" shows how much of it is the JVM's warm-up on one core.\n\n");
        if (!warmSetUps.isEmpty()) {
            md.append("Set-ups in full: on the fresh servers (the table's), then the same again, new rooms and new")
                    .append(" clients, on the same servers after their sweep (warm; the first set's clients still")
                    .append(" connected):\n\n");
            warmSetUps.forEach((engine, warm) -> {
                SetUp fresh = "raw".equals(engine) ? baseline : setUps.get(engine);
                md.append("- ").append(engine).append(": fresh ")
                        .append(fresh == null ? "–" : fresh.summary()).append("; warm ").append(warm.summary())
                        .append('\n');
            });
            md.append('\n');
        }
        failures.forEach((engine, what) -> md.append("Failed, ").append(engine).append(": ").append(what)
                .append("\n\n"));
        profiles.forEach((engine, profile) -> md.append("### Store calls per SEND, ").append(engine).append("\n\n")
                .append(profile).append('\n'));
        setUpCallTables.forEach((engine, calls) -> md.append("### Store calls per HELLO + JOIN_ROOM of the set-up, ")
                .append(engine).append(" (the rooms' creations included)\n\n").append(calls).append('\n'));
        connects.forEach((engine, burst) -> md.append("### Store calls per HELLO + JOIN_ROOM of the connect burst, ")
                .append(engine).append("\n\n").append(burst.storeCalls()).append('\n'));
        sweeps.forEach((engine, steps) -> {
            md.append("Sweep, ").append(engine).append(":\n\n");
            steps.forEach(step -> md.append("- ").append(step.summary()).append('\n'));
            md.append('\n');
        });
        hotRooms.forEach((engine, hot) -> {
            md.append("Hot room, ").append(engine).append(": set-up ").append(hot.setUp().summary()).append("\n\n");
            for (int i = 0; i < hot.steps().size(); i++) {
                md.append("- ").append(hot.summary(i)).append('\n');
            }
            md.append("\nStore calls per JOIN_ROOM of its set-up (99 joins of one room):\n\n")
                    .append(hot.joinCalls()).append('\n');
        });
        return md.toString();
    }

    private List<String> keys() {
        Map<String, Boolean> all = new LinkedHashMap<>();
        sweeps.keySet().forEach(key -> all.put(key, true));
        connects.keySet().forEach(key -> all.put(key, true));
        hotRooms.keySet().forEach(key -> all.put(key, true));
        return List.copyOf(all.keySet());
    }
}

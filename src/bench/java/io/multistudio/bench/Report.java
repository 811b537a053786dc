package io.multistudio.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/** Collects the figures of one run and writes them as markdown, each MultiStudio figure with its ratio to the baseline. */
final class Report {

    private static final String APP = "app";
    private static final String RAW = "raw";

    private final String label;
    private final Instant started = Instant.now();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final Map<String, String> loads = new LinkedHashMap<>();
    private final Map<String, List<Step>> fanout = new LinkedHashMap<>();
    private final Map<String, Step> coldStart = new LinkedHashMap<>();
    private final Map<String, ConnectRate.Result> connect = new LinkedHashMap<>();
    private final Map<String, ConnectRate.Result> connectCycle = new LinkedHashMap<>();
    private final Map<String, IdleMemory.Result> idle = new LinkedHashMap<>();
    private final Map<String, Resume.Result> resume = new LinkedHashMap<>();
    private final List<String> sections = new ArrayList<>();
    private String fanoutShape = "";
    private Duration duration;
    private String loadAtEnd;

    Report(String label) {
        this.label = label;
    }

    void machine(List<String> serverJvm, String serverCpu, String appEnv) {
        machine.putAll(Machine.describe(serverJvm, serverCpu, appEnv));
    }

    String machineText() {
        StringBuilder text = new StringBuilder();
        machine.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
        return text.toString();
    }

    void load(String workload, String load) {
        loads.put(workload, load);
    }

    void finished(Duration duration, String load) {
        this.duration = duration;
        this.loadAtEnd = load;
    }

    void fanout(String target, int rooms, int members, List<Step> steps) {
        fanoutShape = rooms + " rooms × " + members + " members";
        fanout.put(target, steps);
    }

    void coldStart(String target, Step step) {
        coldStart.put(target, step);
    }

    void connect(String target, ConnectRate.Result burst, ConnectRate.Result cycle) {
        connect.put(target, burst);
        connectCycle.put(target, cycle);
    }

    void idle(String target, IdleMemory.Result result) {
        idle.put(target, result);
    }

    void resume(String target, String engine, Resume.Result result) {
        resume.put(target + "/" + engine, result);
    }

    /** A workload that reports its own section, after the others (the overload). */
    void section(String markdown) {
        sections.add(markdown);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# MultiStudio benchmark — ").append(label).append("\n\n");
        md.append("Run ").append(started.truncatedTo(ChronoUnit.SECONDS));
        if (duration != null) {
            md.append(", ").append(duration.toSeconds()).append(" s");
        }
        md.append(". Server and generator on different CPUs; the baseline is `bench/RawVertxRoomServer` in the same run.")
                .append(" Ratio = MultiStudio ÷ raw Vert.x.\n\n");
        machine.forEach((key, value) -> md.append("- ").append(key).append(": ").append(value).append('\n'));
        md.append("- Load average (1, 5, 15 min) at the start of each workload: ");
        List<String> parts = new ArrayList<>();
        loads.forEach((workload, load) -> parts.add(workload + " " + load));
        if (loadAtEnd != null) {
            parts.add("end " + loadAtEnd);
        }
        md.append(String.join("; ", parts)).append("\n\n");
        summary(md);
        fanoutDetail(md);
        sections.forEach(md::append);
        return md.toString();
    }

    private void summary(StringBuilder md) {
        md.append("## Summary\n\n");
        md.append("| Workload | Metric | MultiStudio | raw Vert.x | Ratio | Target | Met |\n");
        md.append("|---|---|---:|---:|---:|---|---|\n");
        List<Step> app = fanout.get(APP);
        List<Step> raw = fanout.get(RAW);
        if (app != null || raw != null) {
            Step appBest = best(app);
            Step rawBest = best(raw);
            double a = appBest == null ? Double.NaN : appBest.deliveredPerSecond();
            double r = rawBest == null ? Double.NaN : rawBest.deliveredPerSecond();
            boolean cpuBound = cpuBound(app) && cpuBound(raw);
            row(md, "fan-out (" + fanoutShape + ")", "deliveries/s at saturation (largest with p99 ≤ 50 ms)"
                            + (cpuBound ? "" : " ²"),
                    count(a), count(r), ratio(a, r), "≥ 80% of raw",
                    Double.isNaN(a) || Double.isNaN(r) ? "–" : cpuBound ? met(a / r >= 0.8) : "inconclusive ²");
            if (appBest != null && rawBest != null) {
                row(md, "", "p99 at that rate (ms)", ms(appBest.p99()), ms(rawBest.p99()), "", "", "");
            }
            Step[] common = highestCommon(app, raw);
            if (common != null) {
                row(md, "", String.format(Locale.ROOT, "server CPU-s per 1M deliveries at %s deliveries/s",
                                count(common[0].offeredDeliveries())),
                        num(common[0].cpuPerMillion()), num(common[1].cpuPerMillion()),
                        ratio(common[0].cpuPerMillion(), common[1].cpuPerMillion()), "ratio ≤ 1.25",
                        met(common[0].cpuPerMillion() / common[1].cpuPerMillion() <= 1.25));
                row(md, "", "deliveries/s per core, extrapolated from that CPU cost (1M ÷ CPU-s per 1M)",
                        count(1e6 / common[0].cpuPerMillion()), count(1e6 / common[1].cpuPerMillion()),
                        ratio(common[1].cpuPerMillion(), common[0].cpuPerMillion()), "≥ 80% of raw",
                        met(common[1].cpuPerMillion() / common[0].cpuPerMillion() >= 0.8));
                Step[] worst = worstCpuRatio(app, raw);
                row(md, "", String.format(Locale.ROOT, "server CPU-s per 1M deliveries at every rate both passed:"
                                + " the highest ratio, at %s deliveries/s", count(worst[0].offeredDeliveries())),
                        num(worst[0].cpuPerMillion()), num(worst[1].cpuPerMillion()),
                        ratio(worst[0].cpuPerMillion(), worst[1].cpuPerMillion()),
                        "ratio ≤ 1.25 at every rate", met(cpuRatio(worst) <= 1.25));
                row(md, "", String.format(Locale.ROOT, "p50 / p99 at %s deliveries/s (ms)",
                                count(common[0].offeredDeliveries())),
                        ms(common[0].p50()) + " / " + ms(common[0].p99()),
                        ms(common[1].p50()) + " / " + ms(common[1].p99()), ratio(common[0].p99(), common[1].p99()),
                        "", "");
            }
        }
        if (!coldStart.isEmpty()) {
            Step a = coldStart.get(APP);
            Step r = coldStart.get(RAW);
            row(md, "cold start (fresh server, 50 rooms × 20 members, no warm-up)",
                    String.format(Locale.ROOT, "delivered of %s deliveries/s offered, %d s after the start",
                            count(ColdStart.DELIVERIES_PER_SECOND), ColdStart.SETTLE.toSeconds()),
                    a == null ? "–" : pct(ColdStart.delivered(a)), r == null ? "–" : pct(ColdStart.delivered(r)), "",
                    "≥ 99%, p99 ≤ 50 ms", a == null ? "–" : met(ColdStart.passed(a)));
            row(md, "", "p50 / p99 (ms), connections cut", a == null ? "–" : coldStartLatency(a),
                    r == null ? "–" : coldStartLatency(r), "", "", "");
        }
        if (!connect.isEmpty()) {
            ConnectRate.Result a = connect.get(APP);
            ConnectRate.Result r = connect.get(RAW);
            double aRate = a == null ? Double.NaN : a.perSecond();
            double rRate = r == null ? Double.NaN : r.perSecond();
            int concurrency = a != null ? a.concurrency() : r.concurrency();
            row(md, "connect burst (" + concurrency + " concurrent, clients stay)", "HELLO + JOIN_ROOM handshakes/s",
                    count(aRate), count(rRate), ratio(aRate, rRate), "ratio ≥ 0.7",
                    Double.isNaN(aRate) || Double.isNaN(rRate) ? "–" : met(aRate / rRate >= 0.7));
            row(md, "", "p50 / p99 connect → JOINED_ROOM (ms)",
                    a == null ? "–" : ms(a.p50()) + " / " + ms(a.p99()),
                    r == null ? "–" : ms(r.p50()) + " / " + ms(r.p99()),
                    a == null || r == null ? "" : ratio(a.p99(), r.p99()), "", "");
            row(md, "", "server CPU-ms per handshake", a == null ? "–" : num(a.cpuMsPerHandshake()),
                    r == null ? "–" : num(r.cpuMsPerHandshake()),
                    a == null || r == null ? "" : ratio(a.cpuMsPerHandshake(), r.cpuMsPerHandshake()), "", "");
            row(md, "", "handshakes/s per core, extrapolated (1,000 ÷ CPU-ms)",
                    a == null ? "–" : count(1000 / a.cpuMsPerHandshake()),
                    r == null ? "–" : count(1000 / r.cpuMsPerHandshake()),
                    a == null || r == null ? "" : ratio(r.cpuMsPerHandshake(), a.cpuMsPerHandshake()), "ratio ≥ 0.7",
                    a == null || r == null ? "" : met(r.cpuMsPerHandshake() / a.cpuMsPerHandshake() >= 0.7));
            ConnectRate.Result ac = connectCycle.get(APP);
            ConnectRate.Result rc = connectCycle.get(RAW);
            double acRate = ac == null ? Double.NaN : ac.perSecond();
            double rcRate = rc == null ? Double.NaN : rc.perSecond();
            row(md, "connect cycle (" + concurrency + " concurrent, each closes with 1000)",
                    "connect + HELLO + JOIN_ROOM + close cycles/s", count(acRate), count(rcRate),
                    ratio(acRate, rcRate), "", "");
            row(md, "", "p50 / p99 connect → JOINED_ROOM (ms)",
                    ac == null ? "–" : ms(ac.p50()) + " / " + ms(ac.p99()),
                    rc == null ? "–" : ms(rc.p50()) + " / " + ms(rc.p99()),
                    ac == null || rc == null ? "" : ratio(ac.p99(), rc.p99()), "", "");
        }
        if (!idle.isEmpty()) {
            IdleMemory.Result a = idle.get(APP);
            IdleMemory.Result r = idle.get(RAW);
            int connections = a != null ? a.connections() : r.connections();
            double aKb = a == null ? Double.NaN : kb(a.kibPerConnection());
            double rKb = r == null ? Double.NaN : kb(r.kibPerConnection());
            row(md, String.format(Locale.ROOT, "idle (%,d connections in rooms of 10)", connections),
                    "RSS per connection, KB (after full GC)", num(aKb), num(rKb), ratio(aKb, rKb), "ratio ≤ 1.2",
                    Double.isNaN(aKb) || Double.isNaN(rKb) ? "–" : met(aKb / rKb <= 1.2));
            double aNoGc = a == null ? Double.NaN : kb(a.kibPerConnectionNoGc());
            double rNoGc = r == null ? Double.NaN : kb(r.kibPerConnectionNoGc());
            row(md, "", "RSS per connection, KB (no forced GC)", num(aNoGc), num(rNoGc), ratio(aNoGc, rNoGc), "", "");
            double aHeap = a == null ? Double.NaN : kb(a.heapKibPerConnection());
            double rHeap = r == null ? Double.NaN : kb(r.heapKibPerConnection());
            row(md, "", "live heap per connection, KB", num(aHeap), num(rHeap), ratio(aHeap, rHeap), "", "");
            row(md, "", "RSS before → after, MiB",
                    a == null ? "–" : mib(a.rss0()) + " → " + mib(a.rss1()),
                    r == null ? "–" : mib(r.rss0()) + " → " + mib(r.rss1()), "", "", "");
        }
        Resume.Result rawResume = resume.get(RAW + "/memory");
        for (String engine : List.of("memory", "infinispan")) {
            Resume.Result a = resume.get(APP + "/" + engine);
            if (a == null && !(engine.equals("memory") && rawResume != null)) {
                continue;
            }
            double limit = engine.equals("memory") ? 10 : 25;
            double aP99 = a == null ? Double.NaN : a.p99();
            String workload = "resume, " + (a == null ? 100 : a.missed()) + " missed (" + engine + " engine)";
            row(md, workload, "p50 / p99 HELLO → last replayed (ms)",
                    a == null ? "–" : ms(a.p50()) + " / " + ms(a.p99()),
                    rawResume == null ? "–" : ms(rawResume.p50()) + " / " + ms(rawResume.p99()) + (engine.equals("memory") ? "" : " ¹"),
                    a == null || rawResume == null ? "" : ratio(a.p99(), rawResume.p99()),
                    "p99 ≤ " + (int) limit + " ms", Double.isNaN(aP99) ? "–" : met(aP99 <= limit));
            row(md, "", "p50 / p99 from TCP connect (ms)",
                    a == null ? "–" : ms(a.connectP50()) + " / " + ms(a.connectP99()),
                    rawResume == null ? "–" : ms(rawResume.connectP50()) + " / " + ms(rawResume.connectP99()), "", "", "");
        }
        md.append('\n');
        if (resume.containsKey(APP + "/infinispan")) {
            md.append("¹ The baseline has no store: its in-memory figure is the reference for both engines.\n\n");
        }
        if (!(cpuBound(fanout.get(APP)) && cpuBound(fanout.get(RAW))) && !fanout.isEmpty()) {
            md.append("² Where the sweep stopped, a server used less than 80% of its core (see the sweep below): the")
                    .append(" latency limit was reached for want of CPU time taken by other processes on the machine")
                    .append(" or by the generator, not by that server's own cost, so the measured saturation does not")
                    .append(" compare the servers. The CPU cost per delivery does; the row extrapolated from it decides")
                    .append(" the target.\n\n");
        }
        details(md);
    }

    private void details(StringBuilder md) {
        List<String> notes = new ArrayList<>();
        connect.forEach((target, result) -> notes.add(name(target) + " connect burst: " + result.summary()));
        connectCycle.forEach((target, result) -> notes.add(name(target) + " connect cycle: " + result.summary()));
        idle.forEach((target, result) -> notes.add(name(target) + " idle: " + result.summary()));
        resume.forEach((target, result) -> notes.add(name(target.substring(0, target.indexOf('/'))) + " resume ("
                + target.substring(target.indexOf('/') + 1) + "): " + result.summary()));
        if (!notes.isEmpty()) {
            md.append("Details:\n\n");
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
            md.append('\n');
        }
        if (!idle.isEmpty()) {
            md.append("## Idle: what the live heap per connection is made of\n\n")
                    .append("Growth of live objects by class between the two `jcmd GC.class_histogram` (each after a")
                    .append(" full GC), divided by the connections.\n\n");
            idle.forEach((target, result) -> {
                md.append("| ").append(name(target)).append(": class | instances/conn | bytes/conn |\n");
                md.append("|---|---:|---:|\n");
                result.growth().stream().limit(20).forEach(growth -> md.append(String.format(Locale.ROOT,
                        "| `%s` | %.2f | %.0f |%n", growth.name(), growth.instancesPerConnection(),
                        growth.bytesPerConnection())));
                md.append('\n');
            });
            md.append("### Whose the live heap per connection is\n\n").append(HeapOwners.EXPLAINED).append("\n\n");
            idle.forEach((target, result) -> HeapOwners.markdown(md, name(target), result.owners()));
        }
    }

    private void fanoutDetail(StringBuilder md) {
        if (fanout.isEmpty()) {
            return;
        }
        md.append("## Fan-out sweep (").append(fanoutShape).append(")\n\n");
        md.append("Each step: 2 s warm-up, then 5 s measured, or as long as 250,000 deliveries take at the lower")
                .append(" rates (25 s at 10,000/s); pass = p99 ≤ 50 ms, ≥ 95% of the offered deliveries arrived,")
                .append(" no connection cut, generator kept the offered rate. Latency = receive time − send time")
                .append(" carried in the message. CPU = share of one core over the measured window; waited for CPU =")
                .append(" time the process's threads were ready to run while the CPU ran something else")
                .append(" (`/proc/<pid>/task/*/schedstat`), summed over its threads, as a share of the window: other")
                .append(" processes, or the process's own other threads. JIT = the part of the server's CPU its JIT")
                .append(" compiler threads took (`/proc/<pid>/task/*/stat`): where it is more than a few percent, the")
                .append(" step's CPU per delivery includes the JVM's warm-up.\n\n");
        md.append("| Server | Offered deliveries/s | Delivered/s | p50 ms | p99 ms | max ms | Server CPU | JIT | ")
                .append("Server waited for CPU | Generator CPU (waited) | CPU-s per 1M | Result |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        fanout.forEach((target, steps) -> steps.forEach(step -> md.append(String.format(Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %.0f%% | %.0f%% | %.0f%% | %.0f%% (%.0f%%) | %s | %s |%n",
                name(target), count(step.offeredDeliveries()), count(step.deliveredPerSecond()), ms(step.p50()),
                ms(step.p99()), ms(step.max()), step.serverCpu() * 100, step.compilerCpu() * 100,
                step.serverWait() * 100, step.generatorCpu() * 100,
                step.generatorWait() * 100, num(step.cpuPerMillion()), step.passed() ? "pass" : "fail" + failure(step)))));
        md.append('\n');
        Step rawBest = best(fanout.get(RAW));
        List<Step> rawSteps = fanout.get(RAW);
        if (rawSteps != null && !rawSteps.isEmpty()) {
            Step last = rawSteps.get(rawSteps.size() - 1);
            if (last.generatorCpu() >= 0.9 || !last.generatorKeptUp()) {
                md.append("Note: at the baseline's last step the generator used ")
                        .append(String.format(Locale.ROOT, "%.0f%%", last.generatorCpu() * 100))
                        .append(" of its core: the baseline's saturation point is at least partly the generator's,")
                        .append(" so the throughput ratio above flatters MultiStudio; the CPU-per-delivery ratio does")
                        .append(" not depend on the generator.\n\n");
            }
        }
    }

    /**
     * Whether the sweep was stopped by the server's own cost: a failing step with the server at 80% or more of its
     * core (or no failing step at all).
     */
    private static boolean cpuBound(List<Step> steps) {
        if (steps == null || steps.isEmpty()) {
            return true;
        }
        return steps.stream().allMatch(Step::passed)
                || steps.stream().filter(step -> !step.passed()).anyMatch(step -> step.serverCpu() >= 0.8);
    }

    private static String failure(Step step) {
        List<String> why = new ArrayList<>();
        if (step.p99() > Fanout.P99_LIMIT_MS) {
            why.add("p99");
        }
        if (step.deliveredPerSecond() < 0.95 * step.offeredDeliveries()) {
            why.add("behind");
        }
        if (step.closed() > 0) {
            why.add(step.closed() + " cut");
        }
        if (!step.generatorKeptUp()) {
            why.add("generator behind");
        }
        return why.isEmpty() ? "" : " (" + String.join(", ", why) + ")";
    }

    static Step best(List<Step> steps) {
        if (steps == null) {
            return null;
        }
        return steps.stream().filter(Step::passed)
                .max((x, y) -> Double.compare(x.deliveredPerSecond(), y.deliveredPerSecond())).orElse(null);
    }

    /** The app's and the baseline's steps at the highest offered rate both passed. */
    private static Step[] highestCommon(List<Step> app, List<Step> raw) {
        return common(app, raw, (a, best) -> a[0].offeredSends() > best[0].offeredSends());
    }

    /** The rate both passed at which the application's CPU per delivery is highest against the baseline's. */
    private static Step[] worstCpuRatio(List<Step> app, List<Step> raw) {
        return common(app, raw, (a, worst) -> cpuRatio(a) > cpuRatio(worst));
    }

    private static double cpuRatio(Step[] pair) {
        return pair[0].cpuPerMillion() / pair[1].cpuPerMillion();
    }

    /** Of the pairs of passed steps at one rate (application, baseline), the one {@code better} prefers. */
    private static Step[] common(List<Step> app, List<Step> raw, BiPredicate<Step[], Step[]> better) {
        if (app == null || raw == null) {
            return null;
        }
        Step[] chosen = null;
        for (Step a : app) {
            for (Step r : raw) {
                if (a.passed() && r.passed() && Math.abs(a.offeredSends() - r.offeredSends()) < 1e-6) {
                    Step[] pair = {a, r};
                    if (chosen == null || better.test(pair, chosen)) {
                        chosen = pair;
                    }
                }
            }
        }
        return chosen;
    }

    private static void row(StringBuilder md, String... cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static String coldStartLatency(Step step) {
        return ms(step.p50()) + " / " + ms(step.p99()) + ", " + step.closed();
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String name(String target) {
        return APP.equals(target) ? "MultiStudio" : RAW.equals(target) ? "raw Vert.x" : target;
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static double kb(double kib) {
        return kib * 1.024;
    }

    static String count(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f", value);
    }

    static String num(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String ms(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }

    private static String mib(long kib) {
        return String.format(Locale.ROOT, "%.1f", kib / 1024.0);
    }

    static String ratio(double app, double raw) {
        return Double.isNaN(app) || Double.isNaN(raw) || raw == 0 ? "–"
                : String.format(Locale.ROOT, "%.2f", app / raw);
    }
}

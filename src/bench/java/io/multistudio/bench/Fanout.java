package io.multistudio.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Fan-out: {@code rooms} rooms of {@code members} connected members each; members send {@code SEND} broadcasts at an
 * offered total rate, round robin over rooms and, within a room, over its members. Each {@code SEND} carries its send
 * time ({@code System.nanoTime()} of this JVM, which also receives) in {@code data.bt}; the delivery latency of every
 * copy is its receive time minus that. Every member receives every message of its room, its own included, so the
 * offered deliveries per second are {@code sends/s × members}. Over several servers (app nodes sharing one store), the
 * members of each room are spread over them in turn.
 */
final class Fanout implements AutoCloseable {

    static final double P99_LIMIT_MS = 50;
    private static final byte[] BT = "\"bt\":".getBytes();

    private final Generator gen;
    private final List<ServerProcess> servers;
    private final int rooms;
    private final int members;
    private final List<List<Conn>> byRoom = new ArrayList<>();
    private final Recorder recorder = new Recorder(3);
    // Touched on the event loop only.
    private long received;
    private long sent;
    private long dropped;
    private int closed;
    private double rate;
    private long rateStart;
    private long sentAtRateStart;
    private long timer = -1;
    private int roomTurn;
    private int[] memberTurn;
    /** The rate on offer, as the caller set it. */
    private volatile double offered;

    Fanout(Generator gen, ServerProcess server, int rooms, int members) {
        this(gen, List.of(server), rooms, members);
    }

    Fanout(Generator gen, List<ServerProcess> servers, int rooms, int members) {
        this.gen = gen;
        this.servers = servers;
        this.rooms = rooms;
        this.members = members;
    }

    /**
     * Opens every connection: the first member of each room creates it, the others join, {@code concurrency} at a
     * time; returns how fast the joiners got in (connect, {@code HELLO}, {@code JOIN_ROOM}).
     */
    SetUp setUp(int concurrency) {
        memberTurn = new int[rooms];
        String prefix = "f" + System.nanoTime() + "-";
        List<Conn> owners = gen.await(() -> gen.bounded(rooms, concurrency, r -> Conn.open(gen.client, port(0))
                .compose(conn -> conn.hello("owner" + r).map(conn))
                .compose(conn -> conn.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + prefix + r
                        + "\",\"capacity\":" + members + "}", "JOINED_ROOM").map(conn))), Duration.ofMinutes(2));
        int joiners = members - 1;
        Histogram joins = new ConcurrentHistogram(3);
        long started = System.nanoTime();
        List<Conn> others = gen.await(() -> gen.bounded(rooms * joiners, concurrency, i -> {
            long t0 = System.nanoTime();
            return Conn.open(gen.client, port(1 + i % joiners))
                    .compose(conn -> conn.hello("m" + i).map(conn))
                    .compose(conn -> conn.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + prefix + (i / joiners)
                            + "\"}", "JOINED_ROOM").map(conn))
                    .onSuccess(conn -> joins.recordValue((System.nanoTime() - t0) / 1000));
        }), Duration.ofMinutes(5));
        SetUp setUp = new SetUp(rooms * joiners, concurrency, (System.nanoTime() - started) / 1e9, joins);
        for (int r = 0; r < rooms; r++) {
            List<Conn> room = new ArrayList<>();
            room.add(owners.get(r));
            room.addAll(others.subList(r * joiners, (r + 1) * joiners));
            byRoom.add(room);
        }
        gen.run(() -> byRoom.forEach(room -> room.forEach(conn -> {
            conn.onMessage = this::delivered;
            conn.onClose = () -> closed++;
        })));
        // Let the join events settle before measuring anything.
        ServerProcess.sleep(500);
        return setUp;
    }

    void setUp() {
        setUp(50);
    }

    /** The port of the server member {@code index} of a room connects to. */
    private int port(int index) {
        return servers.get(index % servers.size()).port;
    }

    private void delivered(Buffer frame) {
        long bt = Conn.longField(frame, BT);
        if (bt > 0) {
            recorder.recordValue(Math.max(0, (System.nanoTime() - bt) / 1000));
            received++;
        }
    }

    /** Offers {@code sendsPerSecond} from now on, on the loop; 0 stops sending. */
    private void offer(double sendsPerSecond) {
        rate = sendsPerSecond;
        rateStart = System.nanoTime();
        sentAtRateStart = sent;
        if (timer < 0) {
            timer = gen.vertx.setPeriodic(1, ignored -> tick());
        }
    }

    private void tick() {
        if (rate <= 0) {
            return;
        }
        long now = System.nanoTime();
        long owed = (long) ((now - rateStart) * rate / 1e9) - (sent - sentAtRateStart);
        // A generator stall is caught up on for at most 200 ms worth of messages; older ones are dropped and counted.
        long cap = (long) Math.max(1, rate / 5);
        if (owed > cap) {
            dropped += owed - cap;
            sentAtRateStart -= owed - cap;
            owed = cap;
        }
        for (long i = 0; i < owed; i++) {
            int r = roomTurn++ % rooms;
            List<Conn> room = byRoom.get(r);
            Conn from = room.get(memberTurn[r]++ % members);
            if (!from.closed) {
                from.send("{\"kind\":\"SEND\",\"data\":{\"bt\":" + System.nanoTime() + "}}");
            }
            sent++;
        }
    }

    /** One load step: warm up at the rate, then measure; then stop sending and wait for the backlog to drain. */
    Step step(double sendsPerSecond, Duration warm, Duration measure) {
        offerRate(sendsPerSecond);
        ServerProcess.sleep(warm.toMillis());
        Step measured = window(measure);
        offerRate(0);
        // Drain: everything sent must arrive (bounded wait).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long[] now = snapshot();
        while (now[1] < now[0] * members && System.nanoTime() < deadline && now[2] == 0) {
            ServerProcess.sleep(100);
            now = snapshot();
        }
        ServerProcess.sleep(300);
        long[] settled = snapshot();
        return measured.settled((int) settled[2], settled[0] * members - settled[1]);
    }

    /** Offers {@code sendsPerSecond} from now on; 0 stops sending. */
    void offerRate(double sendsPerSecond) {
        offered = sendsPerSecond;
        gen.run(() -> offer(sendsPerSecond));
    }

    /**
     * Measures the next {@code length} at the rate on offer, which goes on: sends and deliveries per second, their
     * latency, both processes' CPU; the connections closed so far, and the deliveries still missing at its end.
     */
    Step window(Duration length) {
        long[] before = snapshot();
        recorder.reset();
        double serverCpu0 = cpuSeconds();
        double genCpu0 = Generator.cpuSeconds();
        double serverWait0 = waitSeconds();
        double genWait0 = ServerProcess.runQueueWait(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        ServerProcess.sleep(length.toMillis());
        long[] after = snapshot();
        Histogram latency = recorder.getIntervalHistogram();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double serverCpu = (cpuSeconds() - serverCpu0) / seconds;
        double genCpu = (Generator.cpuSeconds() - genCpu0) / seconds;
        // Threads that ended during the window take their delay with them: never below zero.
        double serverWait = Math.max(0, (waitSeconds() - serverWait0) / seconds);
        double genWait = Math.max(0, (ServerProcess.runQueueWait(ProcessHandle.current().pid()) - genWait0) / seconds);
        return new Step(offered, offered * members, (after[0] - before[0]) / seconds, (after[1] - before[1]) / seconds,
                latency, serverCpu, genCpu, serverWait, genWait, (int) after[2], after[0] * members - after[1],
                after[3] - before[3]);
    }

    /**
     * Raises the offered rate by {@code factor} per step from {@code startSends} until a step fails (p99 over 50 ms,
     * deliveries falling behind, a connection cut, or the generator unable to offer the rate) twice in a row, then
     * tries once between the last passing and the failing rate. At most {@code maxSteps} steps.
     */
    List<Step> sweep(double startSends, double factor, int maxSteps, Duration warm, Duration measure) {
        List<Step> steps = new ArrayList<>();
        double rate = startSends;
        Step lastPass = null;
        boolean retried = false;
        for (int i = 0; i < maxSteps; i++) {
            Step step = step(rate, warm, measure);
            steps.add(step);
            System.out.println("  " + name() + " " + step.summary());
            if (!step.passed()) {
                // Other processes on the machine can spoil one step: a failed step is repeated once.
                if (!retried && step.closed() == 0 && i + 1 < maxSteps) {
                    retried = true;
                    continue;
                }
                if (lastPass != null && i + 1 < maxSteps && step.closed() == 0) {
                    Step between = step(Math.sqrt(lastPass.offeredSends() * rate), warm, measure);
                    steps.add(between);
                    System.out.println("  " + name() + " " + between.summary());
                }
                break;
            }
            retried = false;
            lastPass = step;
            rate *= factor;
        }
        return steps;
    }

    private double cpuSeconds() {
        return servers.stream().mapToDouble(ServerProcess::cpuSeconds).sum();
    }

    private double waitSeconds() {
        return servers.stream().mapToDouble(ServerProcess::waitSeconds).sum();
    }

    private String name() {
        return servers.get(0).name + (servers.size() > 1 ? " +" + (servers.size() - 1) : "");
    }

    private long[] snapshot() {
        return gen.await(() -> Future.succeededFuture(new long[] {sent, received, closed, dropped}),
                Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        gen.run(() -> {
            if (timer >= 0) {
                gen.vertx.cancelTimer(timer);
            }
            byRoom.forEach(room -> room.forEach(conn -> {
                conn.onClose = () -> {
                };
                if (!conn.closed) {
                    conn.close(1000);
                }
            }));
        });
        ServerProcess.sleep(1000);
    }

    /**
     * One measured step.
     *
     * @param backlog deliveries still missing after the drain wait
     * @param dropped sends the generator could not make in time (it fell behind)
     * @param serverWait share of the window the server's threads waited for a CPU (summed over threads)
     */
    record Step(double offeredSends, double offeredDeliveries, double sentPerSecond, double deliveredPerSecond,
            Histogram latency, double serverCpu, double generatorCpu, double serverWait, double generatorWait,
            int closed, long backlog, long dropped) {

        /** The same window, with what was still closed and missing once the load stopped and drained. */
        Step settled(int closedAfter, long backlogAfter) {
            return new Step(offeredSends, offeredDeliveries, sentPerSecond, deliveredPerSecond, latency, serverCpu,
                    generatorCpu, serverWait, generatorWait, closedAfter, backlogAfter, dropped);
        }

        double p50() {
            return latency.getValueAtPercentile(50) / 1000.0;
        }

        double p99() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }

        double max() {
            return latency.getMaxValue() / 1000.0;
        }

        boolean generatorKeptUp() {
            return sentPerSecond >= 0.95 * offeredSends;
        }

        boolean passed() {
            return latency.getTotalCount() > 0 && p99() <= P99_LIMIT_MS
                    && deliveredPerSecond >= 0.95 * offeredDeliveries && closed == 0 && generatorKeptUp();
        }

        /** Server CPU seconds per million deliveries. */
        double cpuPerMillion() {
            return deliveredPerSecond <= 0 ? Double.NaN : serverCpu / deliveredPerSecond * 1e6;
        }

        String summary() {
            return String.format("offered %,.0f deliveries/s: delivered %,.0f/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms,"
                            + " server CPU %.0f%% (waited for CPU %.0f%%), generator CPU %.0f%% (waited %.0f%%),"
                            + " closed %d, backlog %d -> %s",
                    offeredDeliveries, deliveredPerSecond, p50(), p99(), max(), serverCpu * 100, serverWait * 100,
                    generatorCpu * 100, generatorWait * 100, closed, backlog, passed() ? "pass" : "FAIL");
        }
    }
}

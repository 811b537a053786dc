package io.multistudio.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Fan-out: {@code rooms} rooms of {@code members} connected members each; members send {@code SEND} broadcasts at an
 * offered total rate, round robin over rooms and, within a room, over its members. Each {@code SEND} carries its send
 * time ({@code System.nanoTime()} of this JVM, which also receives) in {@code data.bt}; the delivery latency of every
 * copy is its receive time minus that. Every member receives every message of its room, its own included, so the
 * offered deliveries per second are {@code sends/s × members}. Over several servers (app nodes sharing one store), the
 * members of each room are spread over them in turn. With {@code direct} each {@code SEND} goes to the next member of
 * the room only (a {@code to}), so that it is delivered twice (to its sender and its addressee) and the server's
 * commits, not its fan-out, set the pace; the distinct seqs delivered are counted then (the events committed).
 */
final class Fanout implements AutoCloseable {

    static final double P99_LIMIT_MS = 50;
    /** Deliveries a full run's sweep measures at least per step, whatever its rate (see {@link #sweep}). */
    static final long MEASURED_DELIVERIES = 250_000;
    private static final byte[] BT = "\"bt\":".getBytes();
    private static final byte[] SEQ = "\"seq\":".getBytes();

    private final Generator gen;
    private final List<ServerProcess> servers;
    private final int rooms;
    private final int members;
    private final boolean direct;
    /** Deliveries each SEND owes. */
    private final int perSend;
    private final List<List<Conn>> byRoom = new ArrayList<>();
    private final Recorder recorder = new Recorder(3);
    // Touched on the event loop only.
    private long received;
    /** Distinct seqs delivered, per room (counted with {@code direct} only). */
    private long committed;
    private BitSet[] seqs;
    private long sent;
    private long dropped;
    /** SENDs the server answered with an error: their deliveries are not owed. */
    private long refused;
    private final Map<String, Long> refusedBy = new TreeMap<>();
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
        this(gen, List.of(server), rooms, members, false);
    }

    Fanout(Generator gen, List<ServerProcess> servers, int rooms, int members, boolean direct) {
        this.gen = gen;
        this.servers = servers;
        this.rooms = rooms;
        this.members = members;
        this.direct = direct;
        this.perSend = direct ? Math.min(2, members) : members;
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
        CpuWindow cpu = new CpuWindow(servers);
        List<Conn> others = gen.await(() -> gen.bounded(rooms * joiners, concurrency, i -> {
            long t0 = System.nanoTime();
            return Conn.open(gen.client, port(1 + i % joiners))
                    .compose(conn -> conn.hello("m" + i).map(conn))
                    .compose(conn -> conn.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + prefix + (i / joiners)
                            + "\"}", "JOINED_ROOM").map(conn))
                    .onSuccess(conn -> joins.recordValue((System.nanoTime() - t0) / 1000));
        }), Duration.ofMinutes(5));
        SetUp setUp = new SetUp(rooms * joiners, concurrency, joins, cpu.end());
        for (int r = 0; r < rooms; r++) {
            List<Conn> room = new ArrayList<>();
            room.add(owners.get(r));
            room.addAll(others.subList(r * joiners, (r + 1) * joiners));
            byRoom.add(room);
        }
        seqs = new BitSet[rooms];
        gen.run(() -> {
            for (int r = 0; r < rooms; r++) {
                int room = r;
                seqs[r] = new BitSet();
                byRoom.get(r).forEach(conn -> {
                    conn.onMessage = frame -> delivered(room, frame);
                    conn.onOther = this::other;
                    conn.onClose = () -> closed++;
                });
            }
        });
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

    private void delivered(int room, Buffer frame) {
        long bt = Conn.longField(frame, BT);
        if (bt > 0) {
            recorder.recordValue(Math.max(0, (System.nanoTime() - bt) / 1000));
            received++;
        }
        long seq = direct ? Conn.longField(frame, SEQ) : -1;
        if (seq > 0 && seq < Integer.MAX_VALUE && !seqs[room].get((int) seq)) {
            seqs[room].set((int) seq);
            committed++;
        }
    }

    /** The only other frames the members get now are room events and the answers to refused SENDs. */
    private void other(JsonObject frame) {
        String why = frame.getString("why");
        if (why != null) {
            refused++;
            refusedBy.merge(frame.getString("code") + "/" + why, 1L, Long::sum);
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
            int turn = memberTurn[r]++ % members;
            Conn from = room.get(turn);
            if (!from.closed) {
                String to = direct ? "\"to\":\"" + room.get((turn + 1) % members).userId + "\"," : "";
                from.send("{\"kind\":\"SEND\"," + to + "\"data\":{\"bt\":" + System.nanoTime() + "}}");
                sent++;
            }
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
        while (now[1] < owed(now) && System.nanoTime() < deadline && now[2] == 0) {
            ServerProcess.sleep(100);
            now = snapshot();
        }
        ServerProcess.sleep(300);
        long[] settled = snapshot();
        if (settled[4] > 0) {
            System.out.println("  refused so far: " + gen.await(() -> Future.succeededFuture(refusedBy.toString()),
                    Duration.ofSeconds(30)));
        }
        return measured.settled((int) settled[2], owed(settled) - settled[1]);
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
        double serverWait0 = waitSeconds();
        double genWait0 = ServerProcess.runQueueWait(ProcessHandle.current().pid());
        CpuWindow cpu = new CpuWindow(servers);
        ServerProcess.sleep(length.toMillis());
        long[] after = snapshot();
        Histogram latency = recorder.getIntervalHistogram();
        CpuWindow.Shares used = cpu.end();
        double seconds = used.seconds();
        // Threads that ended during the window take their delay with them: never below zero.
        double serverWait = Math.max(0, (waitSeconds() - serverWait0) / seconds);
        double genWait = Math.max(0, (ServerProcess.runQueueWait(ProcessHandle.current().pid()) - genWait0) / seconds);
        return new Step(offered, offered * perSend, (after[0] - before[0]) / seconds, (after[1] - before[1]) / seconds,
                (after[5] - before[5]) / seconds, latency, used.server(), used.compiler(), used.generator(),
                serverWait, genWait,
                (int) after[2], owed(after) - after[1],
                after[3] - before[3], after[4] - before[4]);
    }

    /**
     * The sweep of {@link Sweep#run} over this fan-out's steps, each measured for {@code measure} or, at low rates,
     * for as long as {@code minDeliveries} take ({@link #MEASURED_DELIVERIES} in a full run): in 5 s at 10,000
     * deliveries/s a server uses about 0.5 s of CPU, and one young collection or timer round more or less in the
     * window moved its CPU per delivery by more than the 25% the target allows (the baseline's own figure went
     * between 5.9 and 9.5 CPU-s per 1M over the low steps of one sweep).
     */
    List<Step> sweep(double startSends, double factor, int maxSteps, Duration warm, Duration measure,
            long minDeliveries) {
        return Sweep.run(rate -> step(rate, warm, measured(rate, measure, minDeliveries)), name(), startSends, factor,
                maxSteps);
    }

    /** At least {@code measure}, and long enough for {@code deliveries} at {@code sendsPerSecond}. */
    private Duration measured(double sendsPerSecond, Duration measure, long deliveries) {
        Duration enough = Duration.ofMillis((long) Math.ceil(deliveries / (sendsPerSecond * perSend) * 1000));
        return enough.compareTo(measure) > 0 ? enough : measure;
    }

    private double waitSeconds() {
        return servers.stream().mapToDouble(ServerProcess::waitSeconds).sum();
    }

    String name() {
        return servers.get(0).name + (servers.size() > 1 ? " +" + (servers.size() - 1) : "");
    }

    /** {@code sent, received, closed, dropped, refused, committed}, read on the loop. */
    private long[] snapshot() {
        return gen.await(() -> Future.succeededFuture(new long[] {sent, received, closed, dropped, refused,
                committed}), Duration.ofSeconds(30));
    }

    /** The deliveries owed by the sends of a snapshot: those of each one the server did not refuse. */
    private long owed(long[] snapshot) {
        return (snapshot[0] - snapshot[4]) * perSend;
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
}

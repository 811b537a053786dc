package io.multistudio.bench;

import java.time.Duration;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Future;

/**
 * Connect rate, two ways. {@link #burst}: clients connect and join as fast as the server takes them and stay.
 * {@link #run}: a closed loop of {@code concurrency} clients, each repeatedly opening a WebSocket, sending
 * {@code HELLO}, then {@code JOIN_ROOM} into one of {@code rooms} rooms (created beforehand by owners that stay), and
 * closing with 1000 once {@code JOINED_ROOM} arrived. The latency of a handshake runs from the TCP connect to
 * {@code JOINED_ROOM}; the rate counts completed handshakes.
 */
final class ConnectRate {

    /** A safety bound on the cycles of one run, whatever the server's speed. */
    private static final long MAX_CYCLES = 200_000;

    private final Generator gen;
    private final ServerProcess server;
    private final int rooms;
    private final int concurrency;
    private final Recorder recorder = new Recorder(3);
    // Event loop only.
    private boolean running;
    private long completed;
    private long failed;
    private long started;
    private int inFlight;
    private String prefix;
    private List<Conn> owners;

    ConnectRate(Generator gen, ServerProcess server, int rooms, int concurrency) {
        this.gen = gen;
        this.server = server;
        this.rooms = rooms;
        this.concurrency = concurrency;
    }

    Result run(Duration warm, Duration measure) {
        prefix = "c" + System.nanoTime() + "-";
        owners = gen.await(() -> gen.bounded(rooms, 50, r -> Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("owner" + r).map(conn))
                .compose(conn -> conn.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + prefix + r
                        + "\",\"capacity\":1000}", "JOINED_ROOM").map(conn))), Duration.ofMinutes(1));
        gen.run(() -> {
            running = true;
            for (int i = 0; i < concurrency; i++) {
                cycle();
            }
        });
        ServerProcess.sleep(warm.toMillis());
        long[] before = snapshot();
        recorder.reset();
        CpuWindow cpu = new CpuWindow(List.of(server));
        ServerProcess.sleep(measure.toMillis());
        long[] after = snapshot();
        Histogram latency = recorder.getIntervalHistogram();
        CpuWindow.Shares used = cpu.end();
        gen.run(() -> running = false);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (snapshot()[3] > 0 && System.nanoTime() < deadline) {
            ServerProcess.sleep(100);
        }
        gen.run(() -> owners.forEach(owner -> owner.close(1000)));
        ServerProcess.sleep(1000);
        return new Result((after[0] - before[0]) / used.seconds(), latency, after[1] - before[1], used, concurrency,
                "");
    }

    /**
     * Burst: {@code rooms} owners create rooms (untimed), then {@code joiners} clients connect, say {@code HELLO} and
     * join, {@code concurrency} at a time, and stay connected until the end; the rate is joiners over the time from
     * the first connect to the last {@code JOINED_ROOM}. Afterwards everybody closes with 1000 (untimed).
     */
    Result burst(int joiners) {
        String burstPrefix = "b" + System.nanoTime() + "-";
        List<Conn> roomOwners = gen.await(() -> gen.bounded(rooms, 50, r -> Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("owner" + r).map(conn))
                .compose(conn -> conn.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + burstPrefix + r
                        + "\",\"capacity\":1000}", "JOINED_ROOM").map(conn))), Duration.ofMinutes(2));
        ServerProcess.sleep(1000);
        // What the workloads before left in the old generation is collected before, not during, the burst: after
        // the connect cycle the application's old generation was full of the history events the cycle's joins and
        // leaves had pushed out of its rooms, and a 215 ms full collection fell in the burst's 1.5 s.
        server.jcmd("GC.run");
        boolean app = server.managementPort > 0;
        StoreCalls before = app ? StoreCalls.read(List.of(server)) : null;
        Histogram latency = new Histogram(3);
        CpuWindow cpu = new CpuWindow(List.of(server));
        List<Conn> joined = gen.await(() -> gen.bounded(joiners, concurrency, i -> {
            long start = System.nanoTime();
            return Conn.open(gen.client, server.port)
                    .compose(conn -> conn.hello("j").map(conn))
                    .compose(conn -> conn.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + burstPrefix + (i % rooms)
                            + "\"}", "JOINED_ROOM").map(conn))
                    .onSuccess(ignored -> latency.recordValue((System.nanoTime() - start) / 1000));
        }), Duration.ofMinutes(3));
        CpuWindow.Shares used = cpu.end();
        String storeCalls = app ? StoreCalls.read(List.of(server)).perRequest(before, joiners) : "";
        gen.run(() -> {
            joined.forEach(conn -> conn.close(1000));
            roomOwners.forEach(conn -> conn.close(1000));
        });
        ServerProcess.sleep(3000);
        return new Result(joiners / used.seconds(), latency, 0, used, concurrency, storeCalls);
    }

    private void cycle() {
        if (!running || started >= MAX_CYCLES) {
            return;
        }
        started++;
        inFlight++;
        long t0 = System.nanoTime();
        String room = prefix + (started % rooms);
        Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("c").map(conn))
                .compose(conn -> conn.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}", "JOINED_ROOM")
                        .map(conn))
                .onComplete(result -> {
                    inFlight--;
                    if (result.succeeded()) {
                        recorder.recordValue((System.nanoTime() - t0) / 1000);
                        completed++;
                        result.result().close(1000);
                    } else {
                        failed++;
                    }
                    cycle();
                });
    }

    private long[] snapshot() {
        return gen.await(() -> Future.succeededFuture(new long[] {completed, failed, started, inFlight}),
                Duration.ofSeconds(30));
    }

    /**
     * @param cpu the CPU the server (its JIT compilers among it) and the generator used in the window; the compilers'
     *        share is the server's warm-up, counted in {@link #cpuMsPerHandshake}
     * @param storeCalls the app's store calls per HELLO + JOIN_ROOM of a burst (Markdown table), else empty
     */
    record Result(double perSecond, Histogram latency, long failed, CpuWindow.Shares cpu, int concurrency,
            String storeCalls) {

        double p50() {
            return latency.getValueAtPercentile(50) / 1000.0;
        }

        /** Server CPU time per completed handshake, in milliseconds. */
        double cpuMsPerHandshake() {
            return perSecond <= 0 ? Double.NaN : cpu.server() / perSecond * 1000;
        }

        double p99() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }

        String summary() {
            return String.format("%,.0f/s, p50 %.2f ms, p99 %.2f ms, failed %d, server CPU %.0f%% (%.2f ms per"
                            + " handshake; its JIT compilers %.0f%%), generator CPU %.0f%%", perSecond, p50(), p99(),
                    failed, cpu.server() * 100, cpuMsPerHandshake(), cpu.compiler() * 100, cpu.generator() * 100);
        }
    }
}

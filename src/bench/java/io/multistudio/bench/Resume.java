package io.multistudio.bench;

import java.time.Duration;

import org.HdrHistogram.Histogram;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * Resume with replay: a user in a room loses its connection abnormally (close 1001), the other member sends
 * {@code missed} messages (each committed: its echo came back), then the user resumes on a new connection with its
 * reconnect token and {@code last_seq}. Measured from the resuming {@code HELLO} to the last missed message replayed,
 * and, beside it, from the TCP connect. Iterations run one after the other.
 */
final class Resume {

    private static final byte[] SEQ = "\"seq\":".getBytes();

    private final Generator gen;
    private final ServerProcess server;
    private final int missed;

    Resume(Generator gen, ServerProcess server, int missed) {
        this.gen = gen;
        this.server = server;
        this.missed = missed;
    }

    Result run(int warmIterations, int iterations, Duration limit) {
        String room = "resume" + System.nanoTime();
        Conn sender = gen.await(() -> Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("sender").map(conn))
                .compose(conn -> conn.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}", "JOINED_ROOM")
                        .map(conn)), Duration.ofSeconds(30));
        Conn[] user = {gen.await(() -> Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("user").map(conn))
                .compose(conn -> conn.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}", "JOINED_ROOM")
                        .map(conn)), Duration.ofSeconds(30))};
        Histogram fromHello = new Histogram(3);
        Histogram fromConnect = new Histogram(3);
        long[] replayedCounts = {Long.MAX_VALUE, 0};
        int unrecovered = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        int done = 0;
        for (int i = 0; i < warmIterations + iterations && System.nanoTime() < deadline; i++) {
            Conn previous = user[0];
            Sample sample = gen.await(() -> once(sender, previous), Duration.ofSeconds(60));
            user[0] = sample.conn();
            if (i >= warmIterations) {
                fromHello.recordValue(sample.fromHelloNanos() / 1000);
                fromConnect.recordValue(sample.fromConnectNanos() / 1000);
                replayedCounts[0] = Math.min(replayedCounts[0], sample.replayed());
                replayedCounts[1] = Math.max(replayedCounts[1], sample.replayed());
                if (!sample.recovered()) {
                    unrecovered++;
                }
                done++;
            }
        }
        gen.run(() -> {
            user[0].close(1000);
            sender.close(1000);
        });
        ServerProcess.sleep(500);
        return new Result(missed, done, fromHello, fromConnect, replayedCounts[0], replayedCounts[1], unrecovered);
    }

    /** One drop, {@code missed} messages, one resume; runs on the loop. */
    private Future<Sample> once(Conn sender, Conn user) {
        long lastSeq = user.lastSeq;
        String token = user.token;
        Future<JsonObject> away = sender.await("USER_AWAY");
        user.close(1001);
        return away.compose(ignored -> {
            Promise<Long> echoed = Promise.promise();
            long[] count = {0};
            sender.onMessage = frame -> {
                if (++count[0] == missed) {
                    echoed.complete(Conn.longField(frame, SEQ));
                }
            };
            for (int m = 0; m < missed; m++) {
                sender.send("{\"kind\":\"SEND\",\"data\":{\"n\":" + m + ",\"text\":\"missed while away\"}}");
            }
            return echoed.future();
        }).compose(lastMissed -> {
            sender.onMessage = null;
            long t0 = System.nanoTime();
            return Conn.open(gen.client, server.port).compose(conn -> {
                Promise<Sample> replayed = Promise.promise();
                long[] count = {0};
                boolean[] recovered = {false};
                long[] helloAt = {0};
                conn.onOther = message -> {
                    String kind = message.getString("kind");
                    if ("JOINED_ROOM".equals(kind)) {
                        recovered[0] = message.getBoolean("recovered", false);
                    } else if ("MESSAGE".equals(kind)) {
                        count[0]++;
                        if (message.getLong("seq", -1L).longValue() == lastMissed.longValue()) {
                            long now = System.nanoTime();
                            replayed.tryComplete(new Sample(conn, now - helloAt[0], now - t0, count[0],
                                    recovered[0]));
                        }
                    }
                };
                helloAt[0] = System.nanoTime();
                return conn.request("{\"kind\":\"HELLO\",\"reconnect_token\":\"" + token + "\",\"last_seq\":" + lastSeq
                        + "}", "HELLO").compose(hello -> {
                            if (!hello.getBoolean("reconnected", false)) {
                                return Future.failedFuture("resume refused: " + hello.encode());
                            }
                            conn.helloDone(hello);
                            return replayed.future();
                        });
            });
        });
    }

    private record Sample(Conn conn, long fromHelloNanos, long fromConnectNanos, long replayed, boolean recovered) {
    }

    record Result(int missed, int iterations, Histogram fromHello, Histogram fromConnect, long minReplayed,
            long maxReplayed, int unrecovered) {

        double p50() {
            return fromHello.getValueAtPercentile(50) / 1000.0;
        }

        double p99() {
            return fromHello.getValueAtPercentile(99) / 1000.0;
        }

        double connectP50() {
            return fromConnect.getValueAtPercentile(50) / 1000.0;
        }

        double connectP99() {
            return fromConnect.getValueAtPercentile(99) / 1000.0;
        }

        String summary() {
            return String.format("%d resumes replaying %d messages (replayed %d..%d, %d not recovered):"
                            + " HELLO -> last replayed p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
                            + " from TCP connect p50 %.2f ms, p99 %.2f ms",
                    iterations, missed, minReplayed, maxReplayed, unrecovered, p50(), p99(),
                    fromHello.getMaxValue() / 1000.0, connectP50(), connectP99());
        }
    }
}

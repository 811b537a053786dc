package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.engine.Engine;
import io.multistudio.keys.KeyBook;
import io.multistudio.keys.Remembered;
import io.multistudio.room.Room;
import io.multistudio.room.RoomEvent;
import io.multistudio.session.Session;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.OpenConnections;

/**
 * A bounded soak: many clients join, send, leave, drop and resume at random for a while; afterwards connections,
 * sessions, rooms and room history are back to zero and the heap after GC is back near its baseline. Length:
 * {@code -Dsoak.seconds} (default 25), clients: {@code -Dsoak.clients} (default 60). See docs/testing.md.
 */
@QuarkusTest
@TestProfile(SoakTest.ShortGrace.class)
class SoakTest {

    static final Duration GRACE = Duration.ofSeconds(2);
    static final long HEAP_MARGIN = 20L * 1024 * 1024;

    /** A short reconnect grace, so that dropped sessions expire within the test; no rate limit in the way. */
    public static class ShortGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.reconnect-grace", GRACE.toSeconds() + "s",
                    "multistudio.rate-limit", "1000000", "multistudio.rate-burst", "1000000");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    OpenConnections connections;

    @Inject
    Engine engine;

    private static final int ROOMS = 8;
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final List<String> deadTokens = Collections.synchronizedList(new ArrayList<>());
    private String roomPrefix;

    @Test
    void manyClientsComeAndGoAndLeaveNothingBehind() throws Exception {
        int clients = Integer.getInteger("soak.clients", 60);
        long seconds = Long.getLong("soak.seconds", 25);
        roomPrefix = "soak-" + Long.toString(System.nanoTime(), 36) + "-";
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // Warm up the paths the soak takes, so that the baseline includes what loading classes costs once.
        try (Wire warm = Wire.hello(uri, "warm-up")) {
            warm.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + roomPrefix + "warm\"}");
            warm.request("{\"kind\":\"SEND\",\"data\":\"x\"}");
            warm.request("{\"kind\":\"BYE\"}");
            warm.awaitClose();
        }
        awaitEmpty();
        long[] before = counts();
        long baseline = heapAfterGc(memory);

        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int index = i;
            running.add(pool.submit(() -> new SoakClient(index, deadline).run()));
        }
        AtomicLong peak = new AtomicLong();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            peak.accumulateAndGet(connections.listAll().size(), Math::max);
            return running.stream().allMatch(Future::isDone);
        });
        long peakConnections = peak.get();
        for (Future<?> future : running) {
            future.get();
        }
        pool.shutdown();
        double soakSeconds = (System.nanoTime() - started) / 1e9;
        long[] during = { peakConnections };

        // Dropped sessions expire after the grace; then nothing may be left.
        long settleStarted = System.nanoTime();
        awaitEmpty();
        double settleSeconds = (System.nanoTime() - settleStarted) / 1e9;
        try (Wire probe = Wire.hello(uri, "probe")) {
            JsonNode list = probe.request("{\"kind\":\"LIST_ROOMS\",\"limit\":200}");
            assertThat(list.path("rooms")).as("rooms left: %s", list).isEmpty();
            for (String token : deadTokens.subList(0, Math.min(20, deadTokens.size()))) {
                try (Wire late = Wire.connect(uri)) {
                    JsonNode hello = late.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + Wire.quote(token) + "}");
                    assertThat(hello.path("reconnected").asBoolean(true)).as("an expired or ended session resumed").isFalse();
                    late.close(1000);
                }
            }
            probe.request("{\"kind\":\"BYE\"}");
            probe.awaitClose();
        }
        awaitEmpty();
        long[] after = counts();
        long[] heapAfter = { 0 };
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                heapAfter[0] = heapAfterGc(memory);
                return heapAfter[0] <= baseline + HEAP_MARGIN;
            });
        } finally {
            report(clients, soakSeconds, settleSeconds, before, during, after, baseline, heapAfter[0]);
        }
        assertThat(violations).as("protocol violations during the soak").isEmpty();
        assertThat(after).as("connections, sessions, rooms, history events, key books and answers after the soak")
                .containsExactly(0, 0, 0, 0, 0, 0);
        assertThat(counter("requests")).as("the soak did something").isGreaterThan(clients * 10L);
    }

    /** Connections, sessions, rooms, history events, request key books and answers on this node, read-only. */
    private long[] counts() {
        return new long[] { connections.listAll().size(), size("sessions", Session.class), size("rooms", Room.class),
                size("history", RoomEvent.class), size("key-books", KeyBook.class),
                size("key-answers", Remembered.class) };
    }

    private <V> long size(String map, Class<V> type) {
        return engine.map(map, type, value -> Engine.IMMORTAL).values().await().atMost(Duration.ofSeconds(5)).size();
    }

    private void awaitEmpty() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> java.util.Arrays.equals(counts(), new long[6]));
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private long counter(String name) {
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    private void count(String name) {
        counters.computeIfAbsent(name, ignored -> new LongAdder()).increment();
    }

    private void report(int clients, double soakSeconds, double settleSeconds, long[] before, long[] during,
            long[] after, long baseline, long heapAfter) throws IOException {
        String header = "| clients | soak s | requests | drops | resumed | resume refused (expired) | recovered false"
                + " | byes | peak connections | before conn/sess/rooms/events | after | settle s | heap baseline MB"
                + " | heap after MB | violations |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
        String line = String.format("| %d | %.1f | %d | %d | %d | %d | %d | %d | %d | %d/%d/%d/%d | %d/%d/%d/%d | %.1f"
                + " | %.1f | %.1f | %d |%n", clients, soakSeconds, counter("requests"), counter("drops"),
                counter("resumed"), counter("resume refused"), counter("recovered false"), counter("byes"), during[0],
                before[0], before[1], before[2], before[3], after[0], after[1], after[2], after[3], settleSeconds,
                baseline / 1048576.0, heapAfter / 1048576.0, violations.size());
        System.out.print(header + line);
        violations.stream().limit(10).forEach(violation -> System.out.println("  violation: " + violation));
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("soak-report.md"), header + line, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** One client's random life: connect, HELLO or resume, rooms, messages, drops, BYE. */
    private final class SoakClient {
        private final int index;
        private final long deadline;
        private final Random random;
        private final AtomicLong rids = new AtomicLong();
        private Wire ws;
        private String token;
        private String userId;
        private String room;
        private long lastSeq;
        private long droppedAt;

        SoakClient(int index, long deadline) {
            this.index = index;
            this.deadline = deadline;
            this.random = new Random(index * 7919L + System.nanoTime());
        }

        void run() {
            try {
                while (System.nanoTime() < deadline && violations.size() < 50) {
                    act();
                    Pace.pause(Duration.ofMillis(5 + random.nextInt(20)));
                }
                if (ws != null) {
                    bye();
                } else if (token != null) {
                    deadTokens.add(token);
                }
            } catch (Throwable failure) {
                violations.add("client " + index + ": " + failure);
                if (ws != null) {
                    ws.close();
                }
            }
        }

        private void act() throws InterruptedException {
            if (ws == null) {
                connect();
                return;
            }
            int which = random.nextInt(100);
            if (which < 3) {
                ws.drop();
                count("drops");
                droppedAt = System.nanoTime();
                ws = null;
                if (random.nextInt(4) == 0) {
                    // Come back only after the grace: the session must have expired.
                    Pace.pause(GRACE.plusMillis(1000 + random.nextInt(500)));
                }
            } else if (which < 5) {
                bye();
            } else if (room == null) {
                enterRoom();
            } else if (which < 8) {
                JsonNode left = request("{\"kind\":\"LEAVE_ROOM\",\"rid\":\"%s\"}", "LEFT_ROOM");
                if (left != null) {
                    room = null;
                }
            } else if (which < 12) {
                request("{\"kind\":\"SET_USER_DATA\",\"rid\":\"%1$s\",\"key\":\"%1$s\",\"data\":{\"n\":"
                        + random.nextInt(100) + "}}",
                        "USER_UPDATED");
            } else {
                request("{\"kind\":\"SEND\",\"rid\":\"%1$s\",\"key\":\"%1$s\",\"data\":{\"text\":\""
                        + "m".repeat(random.nextInt(200))
                        + "\"}}", "MESSAGE");
            }
        }

        private void connect() {
            ws = Wire.connect(uri);
            if (token == null) {
                JsonNode hello = request("{\"kind\":\"HELLO\",\"rid\":\"%s\",\"name\":\"soak" + index + "\"}", "HELLO");
                fresh(hello);
                return;
            }
            long away = (System.nanoTime() - droppedAt) / 1_000_000;
            String previousUser = userId;
            String previousRoom = room;
            String rid = nextRid();
            ws.send("{\"kind\":\"HELLO\",\"rid\":\"" + rid + "\",\"name\":\"soak" + index + "\",\"reconnect_token\":"
                    + Wire.quote(token) + ",\"last_seq\":" + Math.max(0, lastSeq) + "}");
            JsonNode hello = awaitAnswer(rid);
            boolean reconnected = hello.path("reconnected").asBoolean(false);
            if (reconnected && away > GRACE.toMillis() + 1000) {
                violations.add("client " + index + " resumed after " + away + " ms, past the " + GRACE + " grace");
            }
            if (!reconnected && away < GRACE.toMillis() - 500) {
                violations.add("client " + index + " could not resume after only " + away + " ms");
            }
            if (!reconnected) {
                count("resume refused");
                deadTokens.add(token);
                fresh(hello);
                return;
            }
            count("resumed");
            token = hello.path("reconnect_token").asText();
            if (!previousUser.equals(hello.path("user").path("id").asText())) {
                violations.add("client " + index + " resumed as another user");
            }
            // A JOINED_ROOM follows if the user is still in its room; the sentinel tells when all has arrived.
            room = null;
            String sentinel = nextRid();
            ws.send("{\"kind\":\"PING\",\"rid\":\"" + sentinel + "\"}");
            while (true) {
                JsonNode message = ws.next();
                check(message);
                String kind = message.path("kind").asText();
                if (sentinel.equals(message.path("rid").asText())) {
                    break;
                }
                if ("JOINED_ROOM".equals(kind) && rid.equals(message.path("rid").asText())) {
                    room = message.path("room").path("id").asText();
                    if (!room.equals(previousRoom) || !message.path("resumed").asBoolean(false)) {
                        violations.add("client " + index + " resumed into " + message);
                    }
                    if (!message.path("recovered").asBoolean(false)) {
                        count("recovered false");
                    }
                    // The replay that follows starts after the last_seq sent, below the snapshot's seq.
                } else {
                    seq(message);
                }
            }
        }

        private void fresh(JsonNode hello) {
            if (hello == null) {
                return;
            }
            token = hello.path("reconnect_token").asText();
            userId = hello.path("user").path("id").asText();
            room = null;
            lastSeq = 0;
        }

        private void enterRoom() {
            String target = roomPrefix + random.nextInt(ROOMS);
            String rid = nextRid();
            ws.send("{\"kind\":\"JOIN_ROOM\",\"rid\":\"" + rid + "\",\"room\":\"" + target + "\"}");
            JsonNode answer = awaitAnswer(rid);
            String why = answer.path("why").asText("");
            if ("ROOM_NOT_FOUND".equals(why)) {
                rid = nextRid();
                ws.send("{\"kind\":\"CREATE_ROOM\",\"rid\":\"" + rid + "\",\"room\":\"" + target + "\"}");
                answer = awaitAnswer(rid);
                why = answer.path("why").asText("");
                if (!why.isEmpty() && !"ROOM_ID_TAKEN".equals(why)) {
                    violations.add("client " + index + " CREATE_ROOM answered " + answer);
                }
            } else if (!why.isEmpty() && !"ROOM_FULL".equals(why)) {
                violations.add("client " + index + " JOIN_ROOM answered " + answer);
            }
            if ("JOINED_ROOM".equals(answer.path("kind").asText())) {
                room = target;
                lastSeq = answer.path("seq").asLong();
            }
        }

        private void bye() {
            String rid = nextRid();
            ws.send("{\"kind\":\"BYE\",\"rid\":\"" + rid + "\"}");
            JsonNode answer = awaitAnswer(rid);
            if (!"BYE".equals(answer.path("kind").asText())) {
                violations.add("client " + index + " BYE answered " + answer);
            }
            int code = ws.awaitClose();
            if (code != 1000) {
                violations.add("client " + index + " closed with " + code + " after BYE");
            }
            count("byes");
            deadTokens.add(token);
            ws = null;
            token = null;
            room = null;
        }

        /** Sends a request with a fresh rid and waits for its answer, which must be of {@code kind}. */
        private JsonNode request(String template, String kind) {
            String rid = nextRid();
            ws.send(String.format(template, rid));
            JsonNode answer = awaitAnswer(rid);
            if (!kind.equals(answer.path("kind").asText())) {
                violations.add("client " + index + " (" + (room == null ? "no room" : room) + ") sent "
                        + String.format(template, rid) + ", answered " + answer);
                return null;
            }
            return answer;
        }

        /** Reads until the message with {@code rid}, checking every room event on the way. */
        private JsonNode awaitAnswer(String rid) {
            count("requests");
            while (true) {
                JsonNode message = ws.next();
                check(message);
                if (rid.equals(message.path("rid").asText(null))) {
                    if (message.has("seq") && !"JOINED_ROOM".equals(message.path("kind").asText())) {
                        seq(message);
                    }
                    return message;
                }
                seq(message);
            }
        }

        private void check(JsonNode message) {
            if (!message.isObject() || !message.path("kind").isTextual()) {
                violations.add("client " + index + " received " + message);
            }
            if ("FAIL".equals(message.path("kind").asText())) {
                violations.add("client " + index + " received an internal error " + message);
            }
            if (message.has("rid") && !message.path("rid").asText().startsWith("c" + index + "-")) {
                violations.add("client " + index + " received someone else's rid: " + message);
            }
        }

        /** Room events arrive in strictly increasing seq order. */
        private void seq(JsonNode message) {
            if (!message.has("seq") || !message.has("room") || message.path("room").isObject()
                    && !message.path("room").path("id").asText().equals(room)
                    || message.path("room").isTextual() && !message.path("room").asText().equals(room)) {
                return;
            }
            long seq = message.path("seq").asLong();
            if (seq <= lastSeq) {
                violations.add("client " + index + " got seq " + seq + " after " + lastSeq + ": " + message);
            }
            lastSeq = seq;
            if ("LEFT_ROOM".equals(message.path("kind").asText())) {
                room = null;
            }
        }

        private String nextRid() {
            return "c" + index + "-" + rids.incrementAndGet();
        }
    }
}

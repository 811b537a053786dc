package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * PROTOCOL.md §2.7 slow consumers: a member that stops reading while its room is flooded is cut off with 1013 once
 * its unsent data passes {@code multistudio.outbound-buffer}, without slowing the others down; its session waits in
 * grace and resumes with everything it missed.
 */
@QuarkusTest
@TestProfile(SlowReaderTest.SmallOutboundBuffer.class)
class SlowReaderTest {

    static final int OUTBOUND_BUFFER = 65536;

    /** A small outbound bound, no rate limit in the way, and a history long enough to replay the whole flood. */
    public static class SmallOutboundBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.outbound-buffer", String.valueOf(OUTBOUND_BUFFER),
                    "multistudio.rate-limit", "1000000", "multistudio.rate-burst", "1000000",
                    "multistudio.room-history", "100000", "multistudio.room-history-bytes", "268435456");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAD = 1000;
    private static final int MAX_FLOOD = 40_000;
    private static final long FLOOD_DEADLINE_MS = 15_000;
    private static final long PROBE_INTERVAL_MS = 20;
    private static final long AFTER_FLOOD_WAIT_NANOS = 5_000_000_000L;
    /** How long the flooder may take to receive the last of the flood and the probes once both have stopped. */
    private static final Duration FLOODER_DRAIN = Duration.ofSeconds(30);
    /**
     * The flood's pace: bursts of 3 messages of 1 KB every 10 ms, about 300 KB a second to every member. A member that
     * reads keeps up with that even on a busy machine; one that never reads falls behind by all of it, and once the
     * kernel's socket buffers are full (about 2.8 MB on loopback here) its backlog passes the bound. A flood as fast as
     * the flooder can send overruns the readers too: they are then slow consumers as well, and rightly cut.
     */
    private static final int BURST = 3;
    private static final long BURST_PAUSE_MS = 10;

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    MeterRegistry registry;

    /** What one flood did. */
    static final class Flood {
        String room;
        String slowId;
        String slowToken;
        long slowJoinedSeq;
        long flooded;
        long floodedAtCut = -1;
        long cutAfterMillis = -1;
        boolean cutAfterFloodEnded;
        int slowCloseCode;
        long slowBytesRead;
        List<Long> latenciesDuringFlood = new ArrayList<>();
        List<Long> latenciesAfterCut = new ArrayList<>();
        long probes;
        Wire flooder;
        Wire watcher;
        AtomicLong flooderMessages = new AtomicLong();
        /** The kinds of what else the flooder received (its members' presence). */
        List<String> flooderOthers = Collections.synchronizedList(new ArrayList<>());
    }

    @Test
    void aReaderThatStopsReadingIsCutWhileTheOthersKeepTheirPace() throws Exception {
        double cutsBefore = registry.counter("multistudio.slow.consumer.cuts").count();
        Flood flood = flood();
        try {
            assertThat(registry.counter("multistudio.slow.consumer.cuts").count()).as("cuts counted")
                    .isGreaterThan(cutsBefore);
            assertThat(flood.floodedAtCut).as("the slow reader was cut (USER_AWAY seen) before the flood ended")
                    .isPositive();
            assertThat(flood.slowCloseCode).as("the close code the slow reader finally reads").isEqualTo(1013);
            assertThat(flood.latenciesDuringFlood.size() + flood.latenciesAfterCut.size())
                    .as("every probe of the third member came back").isEqualTo(flood.probes);
            long worst = Math.max(max(flood.latenciesDuringFlood), max(flood.latenciesAfterCut));
            assertThat(worst).as("worst probe round trip in ms (a generous bound: the others are not held up)")
                    .isLessThan(5_000);
        } finally {
            flood.flooder.close();
            flood.watcher.close();
        }
    }

    @Test
    void theCutReaderResumesWithEveryEventItMissed() throws Exception {
        Flood flood = flood();
        try {
            if (flood.floodedAtCut < 0) {
                // The cut did not complete while the reader was stuck; now that it has read up to the close frame and
                // closed its socket, the session must be in grace.
                long deadline = System.currentTimeMillis() + 10_000;
                boolean away = false;
                while (!away && System.currentTimeMillis() < deadline) {
                    if (flood.watcher.pending() > 0) {
                        JsonNode message = flood.watcher.next();
                        away = "USER_AWAY".equals(message.path("kind").asText())
                                && flood.slowId.equals(message.path("user_id").asText());
                    } else {
                        Pace.pause(Duration.ofMillis(10));
                    }
                }
                appendReport("- the slow reader's session " + (away ? "went into grace" : "did NOT go into grace")
                        + " once it had read up to the close frame and closed its socket\n");
                assertThat(away).as("USER_AWAY once the slow reader closed its socket").isTrue();
            }
            long missed = flood.flooded + flood.probes;
            try (Wire back = Wire.connect(uri)) {
                JsonNode hello = back.request("{\"kind\":\"HELLO\",\"rid\":\"back\",\"reconnect_token\":"
                        + Wire.quote(flood.slowToken) + ",\"last_seq\":" + flood.slowJoinedSeq + "}");
                assertThat(hello.path("reconnected").asBoolean()).as("resume after the cut: %s", hello).isTrue();
                JsonNode joined = back.next();
                assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
                assertThat(joined.path("resumed").asBoolean()).isTrue();
                assertThat(joined.path("recovered").asBoolean()).as("the history holds every missed event").isTrue();
                long lastSeq = flood.slowJoinedSeq;
                long replayed = 0;
                long started = System.nanoTime();
                while (replayed < missed) {
                    if (back.isClosed() && back.pending() == 0) {
                        break;
                    }
                    JsonNode event = back.next();
                    assertThat(event.path("kind").asText()).as("replayed event %s", replayed).isEqualTo("MESSAGE");
                    assertThat(event.has("rid")).isFalse();
                    assertThat(event.path("seq").asLong()).isGreaterThan(lastSeq);
                    lastSeq = event.path("seq").asLong();
                    replayed++;
                }
                String outcome = String.format("resume after the cut: %d of %d missed events replayed in %d ms%s",
                        replayed, missed, (System.nanoTime() - started) / 1_000_000,
                        back.isClosed() ? ", then the resumed connection was closed with " + back.awaitClose() : "");
                System.out.println(outcome);
                appendReport("- " + outcome + "\n");
                assertThat(replayed).as("missed events replayed (the resumed connection %s)",
                        back.isClosed() ? "was closed with " + back.awaitClose() : "stayed open").isEqualTo(missed);
                flood.watcher.send("{\"kind\":\"SEND\",\"data\":\"live after resume\"}");
                JsonNode next = back.next();
                assertThat(next.path("data").asText()).isEqualTo("live after resume");
                assertThat(back.isClosed()).isFalse();
            }
        } finally {
            flood.flooder.close();
            flood.watcher.close();
        }
    }

    /**
     * The bound is on what waits to be written: a member that reads everything must not be cut by a quick burst that
     * fits in it (a burst larger than the bound, faster than the network takes it, is what the bound is for).
     */
    @Test
    void aReaderThatKeepsUpIsNotCutByABurst() {
        String room = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        int messages = 50;
        String pad = "y".repeat(1000);
        try (Wire sender = Wire.hello(uri, "Sender"); Wire reader = Wire.hello(uri, "Reader")) {
            sender.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            reader.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            sender.next();
            int sent = 0;
            for (int i = 0; i < messages && !sender.isClosed(); i++, sent++) {
                sender.send("{\"kind\":\"SEND\",\"data\":{\"n\":" + i + ",\"pad\":\"" + pad + "\"}}");
            }
            int received = 0;
            long quietSince = System.currentTimeMillis();
            while (received < sent && !(reader.isClosed() && reader.pending() == 0)
                    && System.currentTimeMillis() - quietSince < 5_000) {
                if (reader.pending() == 0) {
                    Pace.pause(Duration.ofMillis(5));
                    continue;
                }
                quietSince = System.currentTimeMillis();
                if ("MESSAGE".equals(reader.next().path("kind").asText())) {
                    received++;
                }
            }
            String outcome = String.format("burst of %d x %d B (%d KB) through a %d B outbound buffer: %d sent, reader got %d%s%s",
                    messages, pad.length(), messages * pad.length() / 1024, OUTBOUND_BUFFER, sent, received,
                    reader.isClosed() ? ", reader closed with " + reader.awaitClose() : "",
                    sender.isClosed() ? ", sender closed with " + sender.awaitClose() : "");
            System.out.println(outcome);
            assertThat(reader.isClosed()).as(outcome).isFalse();
            assertThat(sender.isClosed()).as(outcome).isFalse();
            assertThat(received).as(outcome).isEqualTo(messages);
        }
    }

    /**
     * A room of three: the flooder, a watcher that probes its own round trip every 20 ms, and a raw client that joins
     * and then never reads again. The flood goes on until the watcher sees the slow reader go away (cut), or the
     * bound is reached; then the slow reader reads what was left in its socket, up to the close frame.
     */
    private Flood flood() throws Exception {
        Flood flood = new Flood();
        flood.room = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        flood.flooder = Wire.hello(uri, "Flooder");
        JsonNode created = flood.flooder.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + flood.room + "\"}");
        assertThat(created.path("kind").asText()).isEqualTo("JOINED_ROOM");
        flood.watcher = Wire.hello(uri, "Watcher");
        assertThat(flood.watcher.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + flood.room + "\"}").path("kind").asText())
                .isEqualTo("JOINED_ROOM");
        assertThat(flood.flooder.next().path("kind").asText()).isEqualTo("USER_JOINED");
        String watcherId = flood.watcher.helloAnswer().path("user").path("id").asText();

        RawWebSocket slow = new RawWebSocket(uri, 4096);
        slow.sendText("{\"kind\":\"HELLO\",\"name\":\"Slow\"}");
        JsonNode hello = JSON.readTree(slow.readText());
        flood.slowId = hello.path("user").path("id").asText();
        flood.slowToken = hello.path("reconnect_token").asText();
        slow.sendText("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + flood.room + "\"}");
        JsonNode joined = JSON.readTree(slow.readText());
        assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
        flood.slowJoinedSeq = joined.path("seq").asLong();
        assertThat(flood.flooder.next().path("kind").asText()).isEqualTo("USER_JOINED");
        assertThat(flood.watcher.next().path("kind").asText()).isEqualTo("USER_JOINED");
        // From here on the slow reader reads nothing.

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean sendersDone = new AtomicBoolean();
        AtomicBoolean cut = new AtomicBoolean();
        AtomicLong flooded = new AtomicLong();
        String pad = "x".repeat(PAD);
        Thread flooder = new Thread(() -> {
            long deadline = System.currentTimeMillis() + FLOOD_DEADLINE_MS;
            while (!cut.get() && !stop.get() && flooded.get() < MAX_FLOOD && System.currentTimeMillis() < deadline
                    && !flood.flooder.isClosed() && !flood.watcher.isClosed()) {
                for (int i = 0; i < BURST && !flood.flooder.isClosed(); i++) {
                    flood.flooder.send("{\"kind\":\"SEND\",\"data\":{\"n\":" + flooded.get() + ",\"pad\":\"" + pad
                            + "\"}}");
                    flooded.incrementAndGet();
                }
                Pace.pause(Duration.ofMillis(BURST_PAUSE_MS));
            }
        }, "flooder");
        AtomicLong probes = new AtomicLong();
        Thread flooderReader = new Thread(() -> {
            // Until every message of the flood and of the probes has arrived: once the flood stops, an empty queue
            // may only mean that the next batch is still on its way. The counts are final only once both senders have
            // finished: between a sender's last check of the stop and its count, a message is on its way uncounted.
            while ((!sendersDone.get() || flood.flooderMessages.get() < flooded.get() + probes.get())
                    && !flood.flooder.isClosed()) {
                if (flood.flooder.pending() > 0) {
                    JsonNode message = flood.flooder.next();
                    if ("MESSAGE".equals(message.path("kind").asText())) {
                        flood.flooderMessages.incrementAndGet();
                    } else {
                        flood.flooderOthers.add(message.path("kind").asText());
                    }
                } else {
                    Pace.pause(Duration.ofMillis(1));
                }
            }
        }, "flooder-reader");
        Map<Long, Long> probeSent = new ConcurrentHashMap<>();
        Thread prober = new Thread(() -> {
            while (!stop.get() && !flood.watcher.isClosed()) {
                long probe = probes.get();
                probeSent.put(probe, System.nanoTime());
                flood.watcher.send("{\"kind\":\"SEND\",\"data\":{\"probe\":" + probe + "}}");
                probes.incrementAndGet();
                Pace.pause(Duration.ofMillis(PROBE_INTERVAL_MS));
            }
        }, "prober");
        long started = System.nanoTime();
        flooderReader.start();
        prober.start();
        flooder.start();

        long cutSeenAt = 0;
        long floodEnded = 0;
        long probesAnswered = 0;
        while (true) {
            boolean doneFlooding = !flooder.isAlive();
            if (doneFlooding && floodEnded == 0) {
                floodEnded = System.nanoTime();
            }
            // Not cut when the flood ends: wait a while longer, the cut may still complete.
            boolean gaveUp = doneFlooding && !cut.get() && System.nanoTime() - floodEnded > AFTER_FLOOD_WAIT_NANOS;
            if (!stop.get() && (cut.get() && System.nanoTime() - cutSeenAt > 1_000_000_000L
                    || gaveUp && flood.flooderMessages.get() >= flooded.get())) {
                stop.set(true);
                prober.join();
                flooder.join();
                sendersDone.set(true);
            }
            if (stop.get() && probesAnswered >= probes.get()) {
                break;
            }
            if (flood.flooder.isClosed() || flood.watcher.isClosed()) {
                stop.set(true);
                // Failing anyway: the flooder's reader may stop as soon as its count is met.
                sendersDone.set(true);
                throw new AssertionError("a member that reads was cut during the flood: flooder "
                        + (flood.flooder.isClosed() ? "closed with " + flood.flooder.awaitClose() : "open") + ", watcher "
                        + (flood.watcher.isClosed() ? "closed with " + flood.watcher.awaitClose() : "open") + ", after "
                        + flooded.get() + " messages, " + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
            if (flood.watcher.pending() == 0) {
                Pace.pause(Duration.ofMillis(1));
                continue;
            }
            JsonNode message = flood.watcher.next();
            String kind = message.path("kind").asText();
            if ("MESSAGE".equals(kind) && watcherId.equals(message.path("from").asText())) {
                long probe = message.path("data").path("probe").asLong();
                long latency = (System.nanoTime() - probeSent.get(probe)) / 1_000_000;
                (cut.get() ? flood.latenciesAfterCut : flood.latenciesDuringFlood).add(latency);
                probesAnswered++;
            } else if ("USER_AWAY".equals(kind) && flood.slowId.equals(message.path("user_id").asText())) {
                cut.set(true);
                cutSeenAt = System.nanoTime();
                flood.floodedAtCut = flooded.get();
                flood.cutAfterMillis = (cutSeenAt - started) / 1_000_000;
                flood.cutAfterFloodEnded = floodEnded > 0;
            }
        }
        flood.flooded = flooded.get();
        flood.probes = probes.get();
        // The reader ends once the flooder has received all of them, or its connection closed.
        flooderReader.join(FLOODER_DRAIN.toMillis());
        if (flood.flooderMessages.get() < flood.flooded + flood.probes) {
            String state = flood.flooder.isClosed() ? "closed with " + flood.flooder.awaitClose() : "open";
            // Closed, so that its reader stops too; a wait without end would hang the whole test run instead.
            flood.flooder.close();
            throw new AssertionError("The flooder received " + flood.flooderMessages.get() + " of the "
                    + (flood.flooded + flood.probes) + " messages of the flood and the probes within "
                    + FLOODER_DRAIN.toSeconds() + " s; its connection " + state + ", " + flood.flooder.pending()
                    + " messages received and not read, besides them " + flood.flooderOthers);
        }
        flood.slowCloseCode = slow.drainUntilClose(30_000);
        flood.slowBytesRead = slow.bytesRead();
        slow.close();
        report(flood);
        return flood;
    }

    private void report(Flood flood) throws IOException {
        String line = String.format("| %d B | %d B | %s | %s | %d | %s | %s | %s |%n", OUTBOUND_BUFFER, PAD,
                flood.floodedAtCut < 0 ? "not cut: no USER_AWAY during the " + flood.flooded + "-message flood nor "
                        + AFTER_FLOOD_WAIT_NANOS / 1_000_000_000L + " s after it"
                        : flood.floodedAtCut + " msgs / " + flood.cutAfterMillis + " ms"
                                + (flood.cutAfterFloodEnded ? " (after the flood ended)" : ""),
                flood.slowCloseCode, flood.slowBytesRead, percentiles(flood.latenciesDuringFlood),
                percentiles(flood.latenciesAfterCut), flood.probes);
        String header = "| outbound-buffer | message pad (flood ~" + (1000 / BURST_PAUSE_MS * BURST) + " msg/s) | flood until cut | slow reader's close | bytes it finally read"
                + " | probe RTT during flood p50/p99/max ms | after cut | probes |\n|---|---|---|---|---|---|---|---|\n";
        System.out.print(header + line);
        appendReport(header + line);
    }

    private static void appendReport(String text) throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("slow-reader-report.md"), text, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String percentiles(List<Long> latencies) {
        if (latencies.isEmpty()) {
            return "-";
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) + "/" + sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100))
                + "/" + sorted.get(sorted.size() - 1);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

}

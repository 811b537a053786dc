package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.transport.Inbounds;
import io.multistudio.transport.LocalConnections;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Inbound backpressure (PROTOCOL.md §2.7, "Resource bounds"): with a slow store, a client that sends requests much
 * faster than they are handled is no longer read once a few of its messages wait, instead of having them queued in
 * the server's heap; its requests wait in TCP, and every one is still answered, in order. A close is handled after
 * the messages before it.
 */
@QuarkusTest
@TestProfile(InboundBackpressureTest.SlowStoreNoRateLimit.class)
class InboundBackpressureTest {

    public static class SlowStoreNoRateLimit implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(SlowStore.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.rate-limit", "1000000", "multistudio.rate-burst", "1000000");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 150 requests of 16 KB (2.4 MB) written at once; handling each takes a store round trip of 10 ms at least. */
    private static final int FLOOD = 150;
    private static final int PAD = 16_000;
    /**
     * What the server may hold for one connection: the messages that make it pause (8), what the last socket read
     * already held (64 KB: 4 or 5 of these), and slack.
     */
    private static final int HELD_BOUND = 24;
    private static final long FLOOD_LIMIT_SECONDS = 120;

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Inbounds inbounds;

    @Inject
    LocalConnections connections;

    @Test
    void aClientSendingFasterThanItIsServedIsNotReadWhileAFewOfItsMessagesWait() throws Exception {
        try (RawWebSocket raw = new RawWebSocket(uri, 0)) {
            raw.sendText("{\"kind\":\"HELLO\",\"name\":\"Flood\"}");
            assertThat(JSON.readTree(raw.readText()).path("kind").asText()).isEqualTo("HELLO");
            CompletableFuture<Integer> answered = CompletableFuture.supplyAsync(() -> answers(raw));
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> flood(raw));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FLOOD_LIMIT_SECONDS);
            long mostHeld = 0;
            while (!answered.isDone() && System.nanoTime() < deadline) {
                mostHeld = Math.max(mostHeld, inbounds.unhandled());
                awaitBriefly(answered);
            }

            assertThat(answered.get(1, TimeUnit.SECONDS)).as("requests answered USER_UPDATED, in order").isEqualTo(FLOOD);
            written.get(1, TimeUnit.SECONDS);
            System.out.printf("Inbound backpressure: at most %d messages held unhandled, of %d sent at once%n", mostHeld,
                    FLOOD);
            assertThat(mostHeld).as("most messages held unhandled at once").isGreaterThan(8).isLessThanOrEqualTo(HELD_BOUND);
        }
    }

    /**
     * A client says HELLO and closes with 1000 before the slow store has answered: the close is handled once the HELLO
     * is, so it ends the session HELLO made. Handled first, it would find no session, and the HELLO would then bind
     * its session to a connection that is gone, for good.
     */
    @Test
    void aCloseRightAfterHelloEndsTheSessionThatHelloMade() throws Exception {
        int before = connections.sessions();
        try (RawWebSocket raw = new RawWebSocket(uri, 0)) {
            raw.sendText("{\"kind\":\"HELLO\",\"name\":\"Brief\"}");
            raw.send(RawWebSocket.CLOSE, new byte[] { 0x03, (byte) 0xE8 });
            RawWebSocket.Frame frame;
            do {
                frame = raw.read();
            } while (frame != null && frame.opcode() != RawWebSocket.CLOSE);
            assertThat(frame).as("the server's answer to the close").isNotNull();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(connections.sessions())
                .as("sessions carried by connections open here").isEqualTo(before));
    }

    private static void flood(RawWebSocket raw) {
        String pad = "x".repeat(PAD);
        try {
            for (int i = 0; i < FLOOD; i++) {
                raw.send(RawWebSocket.TEXT, ("{\"kind\":\"SET_USER_DATA\",\"rid\":\"" + i + "\",\"data\":{\"n\":" + i
                        + "},\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many answers in a row were the USER_UPDATED of the next request. */
    private static int answers(RawWebSocket raw) {
        try {
            raw.soTimeout((int) TimeUnit.SECONDS.toMillis(FLOOD_LIMIT_SECONDS));
            for (int i = 0; i < FLOOD; i++) {
                var answer = JSON.readTree(raw.readText());
                if (!"USER_UPDATED".equals(answer.path("kind").asText()) || !String.valueOf(i).equals(answer.path("rid").asText())) {
                    return i;
                }
            }
            return FLOOD;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paces the sampling: returns after a millisecond, or as soon as the answers are all in. */
    private static void awaitBriefly(CompletableFuture<?> done) throws InterruptedException, ExecutionException {
        try {
            done.get(1, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
            // Sample again.
        }
    }
}

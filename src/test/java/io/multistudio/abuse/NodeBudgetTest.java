package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The node's outbound budget ({@code multistudio.outbound-budget}): with a per-connection bound far out of reach,
 * a member that stops reading while its room is flooded is cut off with 1013 once all connections together hold more
 * unsent bytes than the budget, because it holds the most; its session goes into grace, and the members that read
 * are still served.
 */
@QuarkusTest
@TestProfile(NodeBudgetTest.SmallBudget.class)
class NodeBudgetTest {

    static final int BUDGET = 1 << 20;

    /** A small node budget, a per-connection bound it never reaches, and no rate limit in the way. */
    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.outbound-budget", String.valueOf(BUDGET),
                    "multistudio.outbound-buffer", String.valueOf(1 << 30),
                    "multistudio.rate-limit", "1000000", "multistudio.rate-burst", "1000000");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bursts of 3 messages of 4 KB every 10 ms: about 1.2 MB a second to every member, which readers keep up with. */
    private static final String PAD = "x".repeat(4000);
    private static final Duration FLOOD_LIMIT = Duration.ofSeconds(40);

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void pastTheBudgetTheConnectionWithTheMostUnsentBytesIsCutIntoGraceWhileReadersAreServed() throws Exception {
        String room = "budget-" + UUID.randomUUID().toString().substring(0, 8);
        Wire flooder = Wire.hello(uri, "Flooder");
        assertThat(flooder.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}").path("kind").asText())
                .isEqualTo("JOINED_ROOM");
        Wire watcher = Wire.hello(uri, "Watcher");
        assertThat(watcher.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}").path("kind").asText())
                .isEqualTo("JOINED_ROOM");
        RawWebSocket slow = new RawWebSocket(uri, 4096);
        try {
            slow.sendText("{\"kind\":\"HELLO\",\"name\":\"Slow\"}");
            String slowId = JSON.readTree(slow.readText()).path("user").path("id").asText();
            slow.sendText("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            assertThat(JSON.readTree(slow.readText()).path("kind").asText()).isEqualTo("JOINED_ROOM");
            // From here on the slow member reads nothing.

            long deadline = System.nanoTime() + FLOOD_LIMIT.toNanos();
            boolean away = false;
            while (!away && System.nanoTime() < deadline && !flooder.isClosed() && !watcher.isClosed()) {
                for (int i = 0; i < 3; i++) {
                    flooder.send("{\"kind\":\"SEND\",\"data\":{\"pad\":\"" + PAD + "\"}}");
                }
                Pace.pause(Duration.ofMillis(10));
                while (watcher.pending() > 0 && !away) {
                    JsonNode message = watcher.next();
                    away = "USER_AWAY".equals(message.path("kind").asText())
                            && slowId.equals(message.path("user_id").asText());
                }
            }

            assertThat(away).as("the watcher saw the slow member go away (cut, session in grace)").isTrue();
            assertThat(flooder.isClosed()).as("the flooder, which reads, is still connected").isFalse();
            assertThat(watcher.isClosed()).as("the watcher, which reads, is still connected").isFalse();
            watcher.send("{\"kind\":\"SEND\",\"data\":{\"probe\":true}}");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                while (watcher.pending() > 0) {
                    if (watcher.next().path("data").path("probe").asBoolean()) {
                        return true;
                    }
                }
                return false;
            });
            assertThat(slow.drainUntilClose(30_000)).as("the close code the slow member finally reads").isEqualTo(1013);
        } finally {
            slow.close();
            flooder.close();
            watcher.close();
        }
    }
}

package io.multistudio.transport;

import static io.multistudio.transport.EnvelopeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** PROTOCOL.md §2.7: the per-connection rate limit and what persistent abuse costs, with small limits. */
@QuarkusTest
@TestProfile(RateLimitTest.SmallBudget.class)
class RateLimitTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.rate-limit", "5", "multistudio.rate-burst", "10",
                    "multistudio.abuse-limit", "20", "multistudio.abuse-window", "10s");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void messagesOverTheBudgetAreRefusedAndTheConnectionStaysUsable() {
        try (Wire client = Wire.connect(uri)) {
            client.send("{\"kind\":\"HELLO\",\"rid\":\"h\"}");
            for (int i = 0; i < 12; i++) {
                client.send("{\"kind\":\"PING\",\"rid\":\"p" + i + "\"}");
            }
            List<JsonNode> answers = client.next(13);
            assertThat(answers.get(0).path("kind").asText()).isEqualTo("HELLO");
            assertThat(answers.subList(1, 10)).allMatch(answer -> answer.path("kind").asText().equals("PONG"));
            assertError(answers.get(10), "SLOW", "RATE_LIMITED", "p9");
            assertError(answers.get(11), "SLOW", "RATE_LIMITED", "p10");
            assertError(answers.get(12), "SLOW", "RATE_LIMITED", "p11");

            await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                    .until(() -> client.request("{\"kind\":\"PING\"}").path("kind").asText().equals("PONG"));
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void persistentAbuseClosesTheConnectionWith1008() {
        try (Wire client = Wire.hello(uri, "Greedy")) {
            for (int i = 0; i < 40 && !client.isClosed(); i++) {
                client.send("{\"kind\":\"PING\"}");
            }
            assertThat(client.awaitClose()).isEqualTo(1008);
        }
    }
}

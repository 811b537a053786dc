package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Batches encoded by the server ({@link TextFrames}) over real WebSockets: they reach the client intact and in order,
 * before the frames Vert.x writes itself, such as the close frame.
 */
@QuarkusTest
class BatchWriteTest {

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void theFramesQueuedBeforeACloseArriveBeforeIt() {
        // Within the rate limit's default burst.
        int pings = 80;
        try (Wire client = Wire.hello(uri, "Ada")) {
            for (int i = 0; i < pings; i++) {
                client.send("{\"kind\":\"PING\",\"rid\":\"p" + i + "\"}");
            }
            client.send("{\"kind\":\"BYE\",\"rid\":\"bye\"}");

            List<JsonNode> answers = client.next(pings + 1);
            for (int i = 0; i < pings; i++) {
                assertThat(answers.get(i).path("kind").asText()).isEqualTo("PONG");
                assertThat(answers.get(i).path("rid").asText()).isEqualTo("p" + i);
            }
            assertThat(answers.get(pings).path("kind").asText()).isEqualTo("BYE");
            assertThat(client.awaitClose()).isEqualTo(1000);
            assertThat(client.pending()).isZero();
        }
    }

    /** Lengths on both sides of each bound of the frame header and of the copy into the batch's buffer. */
    @Test
    void everyMemberGetsEveryEventIntactWhateverItsLength() {
        int[] pads = { 0, 90, 1000, 1100, 30_000, 60_000 };
        String room = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        try (Wire sender = Wire.hello(uri, "Sender"); Wire first = Wire.hello(uri, "First");
                Wire second = Wire.hello(uri, "Second")) {
            sender.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            first.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            second.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            assertThat(first.next().path("kind").asText()).isEqualTo("USER_JOINED");
            int rounds = 5;
            for (int round = 0; round < rounds; round++) {
                for (int pad : pads) {
                    sender.send("{\"kind\":\"SEND\",\"data\":{\"pad\":\"" + "x".repeat(pad) + "\"}}");
                }
            }

            for (Wire member : List.of(first, second)) {
                List<JsonNode> events = member.next(rounds * pads.length);
                for (int i = 0; i < events.size(); i++) {
                    assertThat(events.get(i).path("kind").asText()).isEqualTo("MESSAGE");
                    assertThat(events.get(i).path("data").path("pad").asText()).hasSize(pads[i % pads.length]);
                }
            }
        }
    }
}

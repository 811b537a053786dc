package io.multistudio.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.cluster.Node;
import io.multistudio.engine.Engine;
import io.multistudio.session.Session;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A node that lost its lease while serving (a long pause) finds sessions gone under its connections: it never answers
 * {@code FAIL}, it closes the connection with 1012 so that the client resumes or starts afresh; and once its renewal
 * finds the lease gone, it closes every connection so.
 */
@QuarkusTest
class VanishedSessionTest {

    private static final int RESTART = 1012;

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Engine engine;

    @Inject
    Node node;

    @Test
    void aRequestOnAVanishedSessionClosesWith1012() {
        for (String request : new String[] { "{\"kind\":\"SET_USER_DATA\",\"data\":{\"a\":1}}",
                "{\"kind\":\"CREATE_ROOM\",\"room\":\"vanished\"}", "{\"kind\":\"JOIN_ROOM\",\"room\":\"vanished\"}" }) {
            try (Wire client = Wire.hello(uri, "Vanishing")) {
                String id = client.helloAnswer().path("user").path("id").asText();
                engine.map("sessions", Session.class, session -> Engine.IMMORTAL).remove(id)
                        .await().atMost(Duration.ofSeconds(5));

                client.send(request);

                assertThat(client.awaitClose()).as(request).isEqualTo(RESTART);
                while (client.pending() > 0) {
                    JsonNode answer = client.next();
                    assertThat(answer.path("kind").asText()).as(request).isNotEqualTo("FAIL");
                }
            }
        }
    }

    @Test
    void aNodeThatFindsItsLeaseGoneClosesItsConnectionsWith1012() {
        try (Wire client = Wire.hello(uri, "Served")) {
            engine.map("nodes", Object.class, lease -> Engine.IMMORTAL).remove(node.id())
                    .await().atMost(Duration.ofSeconds(5));

            assertThat(client.awaitClose()).as("closed within a renewal").isEqualTo(RESTART);
        }
    }
}

package io.multistudio.resume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.Wire;

/**
 * A session written by one app instance is resumed by another that never saw it: the only thing the two share is the
 * Infinispan server, so the resume can only have come from there.
 */
class CrossInstanceResumeIT {

    private static AppProcess first;
    private static AppProcess second;

    @BeforeAll
    static void startTwoInstances() {
        Map<String, String> environment = AppProcess.onSharedInfinispan(Map.of());
        first = AppProcess.start("resume-first", environment);
        second = AppProcess.start("resume-second", environment);
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.kill();
        }
        if (second != null) {
            second.kill();
        }
    }

    @Test
    void aSessionOpenedOnOneInstanceResumesOnAnotherWithItsRoomAndMissedEvents() {
        Wire ada = Wire.connect(first.wsUri());
        JsonNode hello = ada.request("{\"kind\":\"HELLO\",\"name\":\"Ada\",\"data\":{\"x\":1}}");
        String room = "cross-" + System.nanoTime();
        ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
        try (Wire bob = Wire.hello(second.wsUri(), "Bob")) {
            JsonNode joined = bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            assertThat(joined.path("members").findValuesAsText("id"))
                    .containsExactly(hello.path("user").path("id").asText(), bob.helloAnswer().path("user").path("id").asText());
            long lastSeq = ada.next().path("seq").asLong();
            ada.drop();
            // Sent once Bob saw Ada away, so that the answer is the next frame and the message one Ada missed.
            assertThat(bob.next().path("kind").asText()).isEqualTo("USER_AWAY");
            JsonNode missed = bob.request("{\"kind\":\"SEND\",\"data\":\"while you were away\"}");

            try (Wire back = Wire.connect(second.wsUri())) {
                JsonNode resumed = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + hello.get("reconnect_token")
                        + ",\"last_seq\":" + lastSeq + "}");
                assertThat(resumed.path("reconnected").asBoolean()).isTrue();
                assertThat(resumed.path("user")).isEqualTo(hello.path("user"));
                JsonNode rejoined = back.next();
                assertThat(rejoined.path("kind").asText()).isEqualTo("JOINED_ROOM");
                assertThat(rejoined.path("resumed").asBoolean()).isTrue();
                assertThat(rejoined.path("recovered").asBoolean()).isTrue();
                JsonNode replayed = back.next();
                assertThat(replayed.path("seq")).isEqualTo(missed.path("seq"));
                assertThat(replayed.path("data").asText()).isEqualTo("while you were away");
            }
        }
    }

    /**
     * PROTOCOL.md §2.7a across instances: keys one instance remembered are honoured by the other after a resume there,
     * whether the first answer arrived or the connection dropped with the request in flight.
     */
    @Test
    void keysFromOneInstanceAreHonouredOnAnotherAfterAResume() {
        Wire ada = Wire.hello(first.wsUri(), "Ada");
        String room = ada.request("{\"kind\":\"CREATE_ROOM\"}").path("room").path("id").asText();
        try (Wire bob = Wire.hello(second.wsUri(), "Bob")) {
            assertThat(bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}").path("members")).hasSize(2);
            assertThat(ada.next().path("kind").asText()).isEqualTo("USER_JOINED");
            JsonNode answered = ada.request("{\"kind\":\"SEND\",\"rid\":\"1\",\"key\":\"answered\",\"data\":\"a\"}");
            ada.send("{\"kind\":\"SEND\",\"rid\":\"2\",\"key\":\"in-flight\",\"data\":\"b\"}");
            ada.drop();

            try (Wire back = Wire.connect(second.wsUri())) {
                JsonNode resumed = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":"
                        + ada.helloAnswer().get("reconnect_token") + ",\"last_seq\":" + answered.path("seq") + "}");
                assertThat(resumed.path("reconnected").asBoolean()).isTrue();
                JsonNode again = back.request("{\"kind\":\"SEND\",\"rid\":\"1b\",\"key\":\"answered\",\"data\":\"a\"}");
                while (!"1b".equals(again.path("rid").asText())) {
                    again = back.next();
                }
                assertThat(again.path("kind").asText()).isEqualTo("MESSAGE");
                assertThat(again.path("seq")).isEqualTo(answered.path("seq"));
                JsonNode inFlight = back.request("{\"kind\":\"SEND\",\"rid\":\"2b\",\"key\":\"in-flight\",\"data\":\"b\"}");
                assertThat(inFlight.path("kind").asText()).isEqualTo("MESSAGE");
                assertThat(inFlight.path("rid").asText()).isEqualTo("2b");
                JsonNode marker = back.request("{\"kind\":\"SEND\",\"data\":\"end\"}");

                List<String> seenByBob = new ArrayList<>();
                JsonNode event = bob.next();
                while (!event.path("seq").equals(marker.path("seq"))) {
                    if ("MESSAGE".equals(event.path("kind").asText())) {
                        seenByBob.add(event.path("data").asText());
                    }
                    event = bob.next();
                }
                assertThat(seenByBob).containsExactly("a", "b");
                // Ada's presence may still be on its way to Bob: the answer is the message with the request's rid.
                bob.send("{\"kind\":\"HISTORY\",\"rid\":\"h\"}");
                JsonNode history = bob.next();
                while (!"h".equals(history.path("rid").asText())) {
                    history = bob.next();
                }
                List<String> inHistory = new ArrayList<>();
                history.path("events").forEach(past -> {
                    if ("MESSAGE".equals(past.path("kind").asText())) {
                        inHistory.add(past.path("data").asText());
                    }
                });
                assertThat(inHistory).containsExactly("a", "b", "end");
            }
        }
    }
}

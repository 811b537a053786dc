package io.multistudio.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.engine.Engine;
import io.multistudio.testsupport.FailingEngine;
import io.multistudio.testsupport.FailingStoreProfile;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A member whose catch-up from the history fails (the store timed out) is not held for ever, buffering its room's
 * events: its connection is dropped as lost, the room sees it away, and it resumes with the events it missed.
 */
@QuarkusTest
@TestProfile(ReplayFailureTest.WithFailingStore.class)
class ReplayFailureTest {

    public static class WithFailingStore extends FailingStoreProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Catch-ups read the history, which fails, rather than the events this node delivered a moment ago.
            return Map.of("multistudio.reconnect-grace", "30s", "multistudio.recent-events", "0");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Engine engine;

    @Test
    void aJoinWhoseReplayFailsIsDroppedAsLostAndResumesWithWhatItMissed() {
        try (Wire owner = Wire.hello(uri, "Owner"); Wire joiner = Wire.hello(uri, "Joiner")) {
            owner.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"replay-fails\"}");
            String token = joiner.helloAnswer().path("reconnect_token").asText();
            String joinerId = joiner.helloAnswer().path("user").path("id").asText();

            owner.request("{\"kind\":\"SEND\",\"data\":\"before you came\"}");
            ((FailingEngine) engine).failNextHistoryRead();
            // A join that asks for the history before it reads it: a join into a quiet room reads nothing.
            joiner.send("{\"kind\":\"JOIN_ROOM\",\"room\":\"replay-fails\",\"history\":5}");

            assertThat(owner.next().path("kind").asText()).isEqualTo("USER_JOINED");
            assertThat(joiner.awaitClose()).as("dropped as lost").isEqualTo(Wire.NO_CLOSE_FRAME);
            JsonNode away = owner.next();
            assertThat(away.path("kind").asText()).isEqualTo("USER_AWAY");
            assertThat(away.path("user_id").asText()).isEqualTo(joinerId);
            JsonNode missed = owner.request("{\"kind\":\"SEND\",\"data\":\"while you were away\"}");

            assertResumesWith(token, missed);
        }
    }

    @Test
    void aResumeWhoseReplayFailsIsDroppedAsLostAndResumesAgain() {
        try (Wire owner = Wire.hello(uri, "Owner"); Wire member = Wire.hello(uri, "Member")) {
            owner.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"resume-replay-fails\"}");
            member.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"resume-replay-fails\"}");
            assertThat(owner.next().path("kind").asText()).isEqualTo("USER_JOINED");
            String token = member.helloAnswer().path("reconnect_token").asText();
            member.drop();
            assertThat(owner.next().path("kind").asText()).isEqualTo("USER_AWAY");
            owner.request("{\"kind\":\"SEND\",\"data\":\"missed\"}");

            ((FailingEngine) engine).failNextHistoryRead();
            try (Wire failed = Wire.connect(uri)) {
                JsonNode hello = failed.request("{\"kind\":\"HELLO\",\"reconnect_token\":\"" + token + "\"}");
                assertThat(hello.path("reconnected").asBoolean()).as(hello.toString()).isTrue();
                assertThat(failed.awaitClose()).as("dropped as lost").isEqualTo(Wire.NO_CLOSE_FRAME);
                // A resume consumes its token: the client resumes again with the one it was just given.
                token = hello.path("reconnect_token").asText();
            }
            assertThat(owner.next().path("kind").asText()).isEqualTo("USER_BACK");
            assertThat(owner.next().path("kind").asText()).isEqualTo("USER_AWAY");
            JsonNode missed = owner.request("{\"kind\":\"SEND\",\"data\":\"missed again\"}");

            assertResumesWith(token, missed);
        }
    }

    /** A resume with {@code token} gets {@code JOINED_ROOM}, then, among what it missed, {@code missed}. */
    private void assertResumesWith(String token, JsonNode missed) {
        try (Wire back = Wire.connect(uri)) {
            JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":\"" + token + "\"}");
            assertThat(hello.path("reconnected").asBoolean()).as(hello.toString()).isTrue();
            JsonNode joined = back.next();
            assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
            assertThat(joined.path("resumed").asBoolean()).isTrue();
            JsonNode replayed = back.next();
            while (!replayed.path("seq").equals(missed.path("seq"))) {
                replayed = back.next();
            }
            assertThat(replayed.path("data")).as("the message it missed, replayed").isEqualTo(missed.path("data"));
        }
    }
}

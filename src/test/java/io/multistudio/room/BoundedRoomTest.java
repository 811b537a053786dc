package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** What the bounds of a room's history and of the reconnect grace mean for members, with small bounds. */
@QuarkusTest
@TestProfile(BoundedRoomTest.SmallBounds.class)
class BoundedRoomTest {

    public static class SmallBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.room-history", "5", "multistudio.room-history-bytes", "3000",
                    "multistudio.reconnect-grace", "2s");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void aResumeBeyondTheHistoryIsNotRecovered() {
        String room = RoomTests.newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada")) {
            Wire bob = Wire.hello(uri, "Bob");
            long lastSeq = awayFrom(ada, bob, room);
            for (int i = 0; i < 20; i++) {
                ada.request("{\"kind\":\"SEND\",\"data\":" + i + "}");
            }
            try (Wire back = Wire.connect(uri)) {
                resumeUnrecovered(back, bob, lastSeq);
                for (JsonNode replayed : back.next(4)) {
                    assertThat(replayed.path("kind").asText()).isEqualTo("MESSAGE");
                    assertThat(replayed.path("data").asInt()).isGreaterThanOrEqualTo(16);
                }
            }
        }
    }

    @Test
    void aResumeAfterAnEventThatTheBytesBoundRemovedIsNotRecovered() {
        String room = RoomTests.newRoomId();
        String kilobyte = "\"" + "x".repeat(1200) + "\"";
        try (Wire ada = Wire.hello(uri, "Ada")) {
            Wire bob = Wire.hello(uri, "Bob");
            long lastSeq = awayFrom(ada, bob, room);
            // Three events of about 1.2 KB: within the count bound (5), past the bytes bound (3,000) with the first, so
            // it goes within a second, with the smaller events before it.
            for (int i = 0; i < 3; i++) {
                ada.request("{\"kind\":\"SEND\",\"data\":[" + i + "," + kilobyte + "]}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ada.request("{\"kind\":\"HISTORY\"}")
                    .path("events").size() == 2);
            try (Wire back = Wire.connect(uri)) {
                resumeUnrecovered(back, bob, lastSeq);
                assertThat(back.next(2)).extracting(replayed -> replayed.path("data").path(0).asInt())
                        .containsExactly(1, 2);
            }
        }
    }

    /** Ada creates {@code room}, Bob joins it and loses its connection; returns the seq Bob had then. */
    private static long awayFrom(Wire ada, Wire bob, String room) {
        RoomTests.create(ada, room, "");
        long lastSeq = RoomTests.join(bob, room).path("seq").asLong();
        ada.next();
        bob.drop();
        assertThat(ada.next().path("kind").asText()).isEqualTo("USER_AWAY");
        return lastSeq;
    }

    /** Bob resumes on {@code back} from {@code lastSeq}, and is told its room could not be recovered in full. */
    private static void resumeUnrecovered(Wire back, Wire bob, long lastSeq) {
        JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":"
                + bob.helloAnswer().get("reconnect_token") + ",\"last_seq\":" + lastSeq + "}");
        assertThat(hello.path("reconnected").asBoolean()).isTrue();
        JsonNode rejoined = back.next();
        assertThat(rejoined.path("resumed").asBoolean()).isTrue();
        assertThat(rejoined.path("recovered").asBoolean(true)).isFalse();
    }

    @Test
    void aMemberWhoseGraceRunsOutLeavesAndTheOwnershipPasses() {
        String room = RoomTests.newRoomId();
        try (Wire bob = Wire.hello(uri, "Bob")) {
            Wire ada = Wire.hello(uri, "Ada");
            RoomTests.create(ada, room, "");
            RoomTests.join(bob, room);
            ada.next();
            ada.drop();
            assertThat(bob.next().path("kind").asText()).isEqualTo("USER_AWAY");
            JsonNode left = bob.next();
            assertThat(left.path("kind").asText()).isEqualTo("USER_LEFT");
            assertThat(left.path("user_id").asText()).isEqualTo(RoomTests.id(ada));
            assertThat(left.path("reason").asText()).isEqualTo("expired");
            JsonNode owner = bob.next();
            assertThat(owner.path("kind").asText()).isEqualTo("ROOM_UPDATED");
            assertThat(owner.path("room").path("owner").asText()).isEqualTo(RoomTests.id(bob));
            try (Wire late = Wire.connect(uri)) {
                JsonNode hello = late.request(
                        "{\"kind\":\"HELLO\",\"reconnect_token\":" + ada.helloAnswer().get("reconnect_token") + "}");
                assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
            }
        }
    }
}

package io.multistudio.room;

import static io.multistudio.room.KeyTests.without;
import static io.multistudio.transport.EnvelopeTest.assertError;
import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.newRoomId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.testsupport.FailingEngine;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * PROTOCOL.md §2.7a when a keyed request took effect but its answer was never stored (the store write failed, or its
 * node died first) and the client lost the answer too: the resend after a resume takes the stale reservation over,
 * and must find the effect instead of executing the request a second time.
 */
@QuarkusTest
@TestProfile(LostAnswerTest.AnswersMayFail.class)
class LostAnswerTest {

    /**
     * Answers whose store write can be made to fail; a short store timeout, so reservations go stale quickly; a short
     * history, so that a request's event can be trimmed away.
     */
    public static class AnswersMayFail implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FailingEngine.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.store-timeout", "500ms", "multistudio.reconnect-grace", "30s",
                    "multistudio.room-history", String.valueOf(HISTORY));
        }
    }

    /** Events kept per room: more than one page of the search for a lost request's event. */
    static final int HISTORY = MarkedEvents.PAGE + 40;
    private static final String SEND = "{\"kind\":\"SEND\",\"key\":\"lost\",\"data\":\"once\"}";

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Engine engine;

    @Test
    void aSendIsAnsweredFromItsMessageAndTheRoomSeesItOnce() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            JsonNode sent = unanswered(ada, SEND);
            try (Wire back = resumed(ada, sent.path("seq").asLong())) {
                JsonNode again = back.request(SEND);
                assertThat(without(again, "rid")).isEqualTo(without(sent, "rid"));
                assertThat(seen(bob, back, "MESSAGE")).extracting(event -> event.path("data").asText())
                        .containsExactly("once");
            }
        }
    }

    @Test
    void aSendIsFoundPagesBackInTheHistory() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            Lost lost = lostBehind(newRoomId(), ada, bob, MarkedEvents.PAGE + 10);
            try (Wire back = resumed(ada, lost.last())) {
                assertThat(without(back.request(SEND), "rid")).isEqualTo(without(lost.answer(), "rid"));
                assertThat(seen(bob, back, "MESSAGE")).isEmpty();
            }
        }
    }

    @Test
    void aGapInTheHistoryIsNotItsEnd() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            Lost lost = lostBehind(room, ada, bob, MarkedEvents.PAGE + 10);
            // A seq of the newest page that was claimed and never written: its page is short, older pages still hold.
            history().remove(HistoryReader.key(instance(room), lost.last() - 5)).await().atMost(Wire.TIMEOUT);
            try (Wire back = resumed(ada, lost.last())) {
                assertThat(without(back.request(SEND), "rid")).isEqualTo(without(lost.answer(), "rid"));
                assertThat(seen(bob, back, "MESSAGE")).isEmpty();
            }
        }
    }

    @Test
    void aSendWhoseEventWasTrimmedAwayIsUnavailableAndNotExecutedAgain() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            Lost lost = lostBehind(room, ada, bob, HISTORY + 10);
            String instance = instance(room);
            SharedMap<RoomEvent> history = history();
            await().atMost(Duration.ofSeconds(30)).until(() -> history
                    .get(HistoryReader.key(instance, lost.answer().path("seq").asLong())).await()
                    .atMost(Wire.TIMEOUT) == null);
            try (Wire back = resumed(ada, lost.last())) {
                assertError(back.request(SEND), "UNAV", "STORE_UNAVAILABLE", null);
                assertThat(seen(bob, back, "MESSAGE")).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"kind\":\"SET_ROOM_DATA\",\"key\":\"rd\",\"data\":{\"n\":1}}",
            "{\"kind\":\"SET_USER_DATA\",\"key\":\"ud\",\"data\":{\"n\":2}}",
            "{\"kind\":\"UPDATE_ROOM\",\"key\":\"up\",\"name\":\"renamed\"}" })
    void aChangeIsAnsweredFromItsEventAndTheRoomSeesItOnce(String request) {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            JsonNode answer = unanswered(ada, request);
            try (Wire back = resumed(ada, answer.path("seq").asLong())) {
                JsonNode again = back.request(request);
                assertThat(without(again, "rid")).isEqualTo(without(answer, "rid"));
                assertThat(seen(bob, back, answer.path("kind").asText()))
                        .extracting(event -> event.path("seq").asLong())
                        .containsExactly(answer.path("seq").asLong());
            }
        }
    }

    @Test
    void aJoinIsNotMadeTwice() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(room, ada);
            String join = "{\"kind\":\"JOIN_ROOM\",\"key\":\"j\",\"room\":\"" + room + "\"}";
            JsonNode joined = unanswered(bob, join);
            try (Wire back = resumed(bob, joined.path("seq").asLong())) {
                JsonNode again = back.request(join);
                assertThat(List.of(without(joined, "rid"), "STAT/ALREADY_IN_ROOM"))
                        .contains(again.has("why") ? again.path("kind").asText() + "/" + again.path("why").asText()
                                : without(again, "rid"));
                assertThat(seen(ada, back, "USER_JOINED")).hasSize(1);
            }
        }
    }

    @Test
    void aRoomIsNotCreatedTwice() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            String create = "{\"kind\":\"CREATE_ROOM\",\"key\":\"c\",\"room\":\"" + room + "\"}";
            JsonNode created = unanswered(ada, create);
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            ada.next();
            try (Wire back = resumed(ada, created.path("seq").asLong() + 1)) {
                JsonNode again = back.request(create);
                assertThat(List.of(without(created, "rid"), "STAT/ALREADY_IN_ROOM"))
                        .contains(again.has("why") ? again.path("kind").asText() + "/" + again.path("why").asText()
                                : without(again, "rid"));
                assertThat(seen(bob, back, "USER_JOINED")).isEmpty();
            }
        }
    }

    private String instance(String room) {
        return engine.map("rooms", Room.class, stored -> Engine.IMMORTAL, Engine.Expiry.SILENT).get(room)
                .await().atMost(Wire.TIMEOUT)
                .instance();
    }

    private SharedMap<RoomEvent> history() {
        return engine.map("history", RoomEvent.class, event -> Engine.IMMORTAL, Engine.Expiry.SILENT);
    }

    /** Ada's answer to {@link #SEND}, which the server did not store, and the seq of the last event after it. */
    private record Lost(JsonNode answer, long last) {
    }

    /** Ada sends {@link #SEND} in {@code room}, its answer not stored, then Bob sends {@code count} messages. */
    private Lost lostBehind(String room, Wire ada, Wire bob, int count) {
        gather(room, ada, bob);
        JsonNode answer = unanswered(ada, SEND);
        bob.next();
        return new Lost(answer, chatter(bob, count));
    }

    /** {@code client} sends {@code count} messages, paced by the rate limit; yields the last one's seq. */
    private static long chatter(Wire client, int count) {
        AtomicLong last = new AtomicLong();
        for (int i = 0; i < count; i++) {
            String message = "{\"kind\":\"SEND\",\"data\":" + i + "}";
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                    .until(() -> {
                        JsonNode answer = client.request(message);
                        last.set(answer.path("seq").asLong());
                        return !"RATE_LIMITED".equals(answer.path("why").asText());
                    });
        }
        return last.get();
    }

    /** {@code client}'s answer to keyed {@code request}, which the server fails to store. */
    private JsonNode unanswered(Wire client, String request) {
        ((FailingEngine) engine).failNextPut("key-answers");
        JsonNode answer = client.request(request);
        assertThat(answer.has("why")).as("%s", answer).isFalse();
        return answer;
    }

    /** {@code lost}'s session, in a room, resumed on a new connection after {@code lastSeq}; {@code lost} dropped. */
    private Wire resumed(Wire lost, long lastSeq) {
        lost.drop();
        Wire back = Wire.connect(uri);
        JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":"
                + lost.helloAnswer().get("reconnect_token") + ",\"last_seq\":" + lastSeq + "}");
        assertThat(hello.path("reconnected").asBoolean()).as("%s", hello).isTrue();
        JsonNode joined = back.next();
        assertThat(joined.path("resumed").asBoolean()).as("%s", joined).isTrue();
        return back;
    }

    /**
     * The events of {@code type} that {@code watcher} received until a message {@code sender} sends now, which
     * orders after everything the sender's requests did.
     */
    private static List<JsonNode> seen(Wire watcher, Wire sender, String type) {
        String marker = "marker-" + System.nanoTime();
        JsonNode sent = sender.request("{\"kind\":\"SEND\",\"data\":\"" + marker + "\"}");
        assertThat(sent.path("data").asText()).as("%s", sent).isEqualTo(marker);
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode event = watcher.next(); !marker.equals(event.path("data").asText()); event = watcher.next()) {
            if (type.equals(event.path("kind").asText())) {
                events.add(event);
            }
        }
        return events;
    }
}

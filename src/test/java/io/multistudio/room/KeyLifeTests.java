package io.multistudio.room;

import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.id;
import static io.multistudio.room.RoomTests.newRoomId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.engine.Engine;
import io.multistudio.keys.KeyBook;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * PROTOCOL.md §2.7a, how long keys live: as long as their session, the last 256 of it at least, and no longer; and
 * what a keyed request costs the store. Added to the rules of {@link KeyTests}, run once per engine with a short
 * reconnect grace.
 */
abstract class KeyLifeTests extends KeyTests {

    /** The reconnect grace of both engines' profiles: short, so that a key can be shown to outlive twice it. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /** More keys than a session must remember, sent over two connections of the session. */
    private static final int KEYS_SENT = 300;

    /** The short grace; on the memory engine as it is. */
    public static class ShortGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.reconnect-grace", GRACE.toSeconds() + "s");
        }
    }

    @TestHTTPResource(value = "metrics", management = true)
    URI metrics;

    @Inject
    Engine engine;

    private StoredKeys stored;

    @BeforeEach
    void openStore() {
        stored = new StoredKeys(engine, metrics);
    }

    @Test
    void theLast256KeysOfASessionAreRememberedAcrossItsConnectionsAndOlderOnesMayBeForgotten() {
        List<JsonNode> answers = new ArrayList<>();
        Wire ada = Wire.hello(uri, "Ada");
        String sessionId = id(ada);
        for (int i = 0; i < KEYS_SENT; i++) {
            if (i == KEYS_SENT / 2) {
                ada = resumed(ada);
            }
            answers.add(paced(ada, "{\"kind\":\"SET_USER_DATA\",\"key\":\"n" + i + "\",\"data\":{\"n\":" + i + "}}"));
        }
        try (Wire last = ada) {
            for (int i = KEYS_SENT - 256; i < KEYS_SENT; i++) {
                JsonNode again = paced(last, "{\"kind\":\"SET_USER_DATA\",\"key\":\"n" + i + "\",\"data\":{\"x\":1}}");
                assertThat(again).as("key n%d", i).isEqualTo(answers.get(i));
            }
            JsonNode user = paced(last, "{\"kind\":\"SET_USER_DATA\",\"data\":{}}").path("user");
            assertThat(user.path("data").has("x")).isFalse();
            assertThat(user.path("data").path("n").asInt()).isEqualTo(KEYS_SENT - 1);
            // Remembering more is allowed, never required: whichever it is, the answer is consistent.
            JsonNode oldest = paced(last, "{\"kind\":\"SET_USER_DATA\",\"key\":\"n0\",\"data\":{\"x\":1}}");
            assertThat(oldest.path("user").path("data").has("x")).isNotEqualTo(oldest.equals(answers.get(0)));
            assertThat(stored.book(sessionId).held()).hasSize(KeyBook.CAPACITY);
        }
    }

    @Test
    void aKeyIsRememberedForTheLifeOfTheSessionLongAfterTwiceTheGrace() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            JsonNode sent = ada.request("{\"kind\":\"SEND\",\"key\":\"lasting\",\"data\":\"once\"}");
            await().pollDelay(GRACE.multipliedBy(2).plusSeconds(1)).atMost(GRACE.multipliedBy(2).plusSeconds(30))
                    .until(() -> "PONG".equals(ada.request("{\"kind\":\"PING\"}").path("kind").asText()));
            try (Wire back = resumed(ada)) {
                back.next();
                JsonNode again = back.request("{\"kind\":\"SEND\",\"key\":\"lasting\",\"data\":\"twice?\"}");
                assertThat(without(again, "rid")).isEqualTo(without(sent, "rid"));
                back.request("{\"kind\":\"SEND\",\"data\":\"marker\"}");
                List<String> messages = new ArrayList<>();
                for (JsonNode event = bob.next(); !"marker".equals(event.path("data").asText()); event = bob.next()) {
                    if ("MESSAGE".equals(event.path("kind").asText())) {
                        messages.add(event.path("data").asText());
                    }
                }
                assertThat(messages).containsExactly("once");
            }
        }
    }

    @Test
    void theKeysOfASessionGoWhenItEnds() {
        Wire ada = Wire.hello(uri, "Ada");
        KeyBook book = rememberOne(ada);
        ada.request("{\"kind\":\"BYE\"}");
        ada.close();
        awaitForgotten(id(ada), book);
    }

    @Test
    void theKeysOfASessionGoWhenItExpires() {
        Wire ada = Wire.hello(uri, "Ada");
        KeyBook book = rememberOne(ada);
        ada.drop();
        awaitForgotten(id(ada), book);
    }

    @Test
    void aKeyedRequestWritesItsKeyAndItsAnswerOnceAndARepeatWritesNothing() {
        AtomicInteger window = new AtomicInteger();
        try (Wire ada = Wire.hello(uri, "Ada")) {
            // Another session's expiry forgets its keys: a window that caught one is measured again, with new keys.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String key = "w" + window.incrementAndGet() + "-";
                Map<String, Double> before = stored.operations();
                for (String data : List.of("{\"n\":1}", "{\"x\":1}")) {
                    for (int i = 0; i < 10; i++) {
                        ada.request("{\"kind\":\"SET_USER_DATA\",\"key\":\"" + key + i + "\",\"data\":" + data + "}");
                    }
                }
                // 10 requests and their 10 repeats: one key update each, answers written by the first 10 only.
                assertThat(StoredKeys.between(before, stored.operations()))
                        .isEqualTo(Map.of("key-books update", 20.0, "key-answers put", 10.0, "key-answers get", 10.0));
            });
            assertThat(ada.request("{\"kind\":\"SET_USER_DATA\",\"data\":{}}").path("user").path("data").has("x"))
                    .isFalse();
        }
    }

    /** Remembers one keyed answer of {@code client}'s session; yields the session's keys. */
    private KeyBook rememberOne(Wire client) {
        JsonNode answer = client.request("{\"kind\":\"SET_USER_DATA\",\"key\":\"k\",\"data\":{\"n\":1}}");
        assertThat(answer.path("kind").asText()).isEqualTo("USER_UPDATED");
        KeyBook book = stored.book(id(client));
        assertThat(stored.answer(id(client), book, 0).answer()).isEqualTo(without(answer, "rid").toString());
        return book;
    }

    private void awaitForgotten(String sessionId, KeyBook book) {
        await().atMost(GRACE.plusSeconds(30)).untilAsserted(() -> {
            assertThat(stored.book(sessionId)).isNull();
            assertThat(stored.answer(sessionId, book, 0)).isNull();
        });
    }

    /** {@code lost}'s session resumed on a new connection, {@code lost} dropped first. */
    private Wire resumed(Wire lost) {
        lost.drop();
        Wire back = Wire.connect(uri);
        JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":"
                + lost.helloAnswer().get("reconnect_token") + "}");
        assertThat(hello.path("reconnected").asBoolean()).as("%s", hello).isTrue();
        return back;
    }

    /** The answer to {@code request}, sent again while the rate limit refuses it. */
    private static JsonNode paced(Wire client, String request) {
        AtomicReference<JsonNode> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                .until(() -> {
            answer.set(client.request(request));
            return !"RATE_LIMITED".equals(answer.get().path("why").asText());
        });
        return answer.get();
    }
}

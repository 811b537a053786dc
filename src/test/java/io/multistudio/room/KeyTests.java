package io.multistudio.room;

import static io.multistudio.transport.EnvelopeTest.assertError;
import static io.multistudio.room.RoomTests.create;
import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.id;
import static io.multistudio.room.RoomTests.newRoomId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/** PROTOCOL.md §2.7a: idempotent requests. Run once per engine, with {@link KeyLifeTests}. */
abstract class KeyTests {

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void aRepeatedKeyGetsTheRememberedAnswerWithItsOwnRidAndIsNotFannedOutAgain() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            JsonNode first = ada.request("{\"kind\":\"SEND\",\"rid\":\"1\",\"key\":\"k-1\",\"data\":\"once\"}");
            JsonNode again = ada.request("{\"kind\":\"SEND\",\"rid\":\"2\",\"key\":\"k-1\",\"data\":\"twice?\"}");
            assertThat(first.path("rid").asText()).isEqualTo("1");
            assertThat(again.path("rid").asText()).isEqualTo("2");
            assertThat(without(again, "rid")).isEqualTo(without(first, "rid"));
            assertThat(again.path("data").asText()).isEqualTo("once");

            JsonNode marker = ada.request("{\"kind\":\"SEND\",\"data\":\"marker\"}");
            assertThat(bob.next(2)).extracting(message -> message.path("seq").asLong())
                    .containsExactly(first.path("seq").asLong(), marker.path("seq").asLong());
            assertThat(marker.path("seq").asLong()).isEqualTo(first.path("seq").asLong() + 1);
        }
    }

    @Test
    void aKeyIsHonouredAfterAResumeAndTheOthersSeeTheRequestOnce() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            JsonNode sent = bob.request("{\"kind\":\"SEND\",\"key\":\"in-flight\",\"data\":\"hi\"}");
            bob.drop();
            ada.next(2);
            try (Wire back = Wire.connect(uri)) {
                JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":"
                        + bob.helloAnswer().get("reconnect_token") + ",\"last_seq\":" + sent.path("seq") + "}");
                assertThat(hello.path("reconnected").asBoolean()).isTrue();
                assertThat(back.next().path("kind").asText()).isEqualTo("JOINED_ROOM");
                JsonNode resent = back.request(
                        "{\"kind\":\"SEND\",\"rid\":\"again\",\"key\":\"in-flight\",\"data\":\"hi\"}");
                assertThat(resent.path("kind").asText()).isEqualTo("MESSAGE");
                assertThat(resent.path("rid").asText()).isEqualTo("again");
                assertThat(resent.path("seq")).isEqualTo(sent.path("seq"));
                assertThat(ada.next().path("kind").asText()).isEqualTo("USER_BACK");
                JsonNode marker = back.request("{\"kind\":\"SEND\",\"data\":\"marker\"}");
                assertThat(ada.next().path("seq")).isEqualTo(marker.path("seq"));
            }
        }
    }

    @Test
    void eachKindThatTakesEffectIsRememberedWithItsDirectAnswer() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            JsonNode created = ada.request("{\"kind\":\"CREATE_ROOM\",\"key\":\"c\",\"room\":\"" + room + "\"}");
            assertRepeats(ada, "{\"kind\":\"CREATE_ROOM\",\"key\":\"c\",\"room\":\"" + room + "\"}", created);
            JsonNode joined = bob.request("{\"kind\":\"JOIN_ROOM\",\"key\":\"j\",\"room\":\"" + room + "\"}");
            ada.next();
            assertRepeats(bob, "{\"kind\":\"JOIN_ROOM\",\"key\":\"j\",\"room\":\"" + room + "\"}", joined);
            for (String request : List.of("{\"kind\":\"SET_ROOM_DATA\",\"key\":\"d\",\"data\":{\"n\":1}}",
                    "{\"kind\":\"UPDATE_ROOM\",\"key\":\"u\",\"name\":\"renamed\"}",
                    "{\"kind\":\"SET_USER_DATA\",\"key\":\"s\",\"data\":{\"n\":2}}")) {
                JsonNode answer = ada.request(request);
                bob.next();
                assertRepeats(ada, request, answer);
            }
            JsonNode kicked = ada.request("{\"kind\":\"KICK\",\"key\":\"k\",\"user\":\"" + id(bob) + "\"}");
            assertThat(kicked.path("kind").asText()).isEqualTo("USER_LEFT");
            assertRepeats(ada, "{\"kind\":\"KICK\",\"key\":\"k\",\"user\":\"" + id(bob) + "\"}", kicked);
            assertThat(bob.next().path("kind").asText()).isEqualTo("LEFT_ROOM");
            JsonNode left = ada.request("{\"kind\":\"LEAVE_ROOM\",\"key\":\"l\"}");
            assertThat(left.path("kind").asText()).isEqualTo("LEFT_ROOM");
            assertRepeats(ada, "{\"kind\":\"LEAVE_ROOM\",\"key\":\"l\"}", left);
            JsonNode outside = ada.request("{\"kind\":\"SET_USER_DATA\",\"key\":\"o\",\"data\":{\"n\":3}}");
            assertThat(outside.has("seq")).isFalse();
            assertRepeats(ada, "{\"kind\":\"SET_USER_DATA\",\"key\":\"o\",\"data\":{\"n\":4}}", outside);
            assertThat(ada.pending()).isZero();
            assertThat(bob.pending()).isZero();
        }
    }

    @Test
    void anErrorIsNotRememberedSoTheKeyExecutesOnceItCan() {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            assertError(ada.request("{\"kind\":\"SEND\",\"rid\":\"x\",\"key\":\"retry-me\",\"data\":1}"), "STAT",
                    "NOT_IN_ROOM", "x");
            create(ada, newRoomId(), "");
            JsonNode sent = ada.request("{\"kind\":\"SEND\",\"key\":\"retry-me\",\"data\":1}");
            assertThat(sent.path("kind").asText()).isEqualTo("MESSAGE");
        }
    }

    @Test
    void readsAreAnsweredAfreshAndKeysBelongToOneSession() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            create(bob, newRoomId(), "");
            JsonNode before = bob.request("{\"kind\":\"HISTORY\",\"key\":\"read\"}");
            bob.request("{\"kind\":\"SEND\",\"data\":\"news\"}");
            JsonNode after = bob.request("{\"kind\":\"HISTORY\",\"key\":\"read\"}");
            assertThat(before.path("events")).isEmpty();
            assertThat(after.path("events")).hasSize(1);

            JsonNode bobs = bob.request("{\"kind\":\"SEND\",\"key\":\"shared\",\"data\":\"bob\"}");
            create(ada, newRoomId(), "");
            JsonNode adas = ada.request("{\"kind\":\"SEND\",\"key\":\"shared\",\"data\":\"ada\"}");
            assertThat(adas.path("room").asText()).isNotEqualTo(bobs.path("room").asText());
            assertThat(adas.path("data").asText()).isEqualTo("ada");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"\"", "1", "true", "{}",
            "\"12345678901234567890123456789012345678901234567890123456789012345\"" })
    void aKeyMustBeAStringOf1To64Characters(String key) {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            JsonNode answer = ada.request("{\"kind\":\"PING\",\"rid\":\"p\",\"key\":" + key + "}");
            assertError(answer, "BADR", "FIELD_INVALID", "p");
            assertThat(answer.path("field").asText()).isEqualTo("key");
            String longest = "1234567890123456789012345678901234567890123456789012345678901234";
            assertThat(ada.request("{\"kind\":\"PING\",\"key\":\"" + longest + "\"}").path("kind").asText())
                    .isEqualTo("PONG");
        }
    }

    /** Sends {@code request} again with a new rid: the answer is {@code first} with that rid. */
    private static void assertRepeats(Wire client, String request, JsonNode first) {
        assertThat(first.has("why")).as("%s", first).isFalse();
        JsonNode again = client.request(request.replaceFirst("\\{", "{\"rid\":\"repeat\","));
        assertThat(again.path("rid").asText()).as("%s", again).isEqualTo("repeat");
        assertThat(without(again, "rid")).isEqualTo(without(first, "rid"));
    }

    static JsonNode without(JsonNode message, String field) {
        ObjectNode copy = message.deepCopy();
        copy.remove(field);
        return copy;
    }
}

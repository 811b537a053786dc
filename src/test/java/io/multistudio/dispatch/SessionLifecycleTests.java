package io.multistudio.dispatch;

import static io.multistudio.transport.EnvelopeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * PROTOCOL.md §2.1–2.2: HELLO, tokens, resume, take-over and the end of a session. Run once per engine, since
 * sessions live in the engine.
 */
abstract class SessionLifecycleTests {

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void freshHelloAssignsAUserAndAToken() {
        try (Wire client = Wire.connect(uri)) {
            JsonNode hello = client.request(
                    "{\"kind\":\"HELLO\",\"rid\":\"1\",\"name\":\"  Ada  \",\"data\":{\"color\":\"#0af\"}}");
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
            assertThat(hello.path("rid").asText()).isEqualTo("1");
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
            assertThat(hello.path("reconnect_token").asText()).isNotBlank();
            assertThat(hello.path("user").path("id").asText()).startsWith("u_");
            assertThat(hello.path("user").path("name").asText()).isEqualTo("Ada");
            assertThat(hello.path("user").path("data").path("color").asText()).isEqualTo("#0af");
            assertThat(hello.has("why")).isFalse();
        }
    }

    @Test
    void helloWithoutNameOrDataGetsAGuestNameAndEmptyData() {
        try (Wire client = Wire.connect(uri)) {
            JsonNode user = client.request("{\"kind\":\"HELLO\"}").path("user");
            assertThat(user.path("name").asText()).matches("guest-[a-z0-9]{4}");
            assertThat(user.path("data").isObject()).isTrue();
            assertThat(user.path("data").size()).isZero();
        }
    }

    @Test
    void namesCountCodePoints() {
        try (Wire client = Wire.connect(uri)) {
            String longest = "😀".repeat(64);
            JsonNode hello = client.request("{\"kind\":\"HELLO\",\"name\":\"" + longest + "\"}");
            assertThat(hello.path("user").path("name").asText()).isEqualTo(longest);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"\"", "\"   \"", "\"a\\u0007b\"", "\"line\\nbreak\"", "42", "{}", "[\"Ada\"]",
            "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"" })
    void invalidNamesAreRejectedAndAHelloCanBeRetried(String name) {
        try (Wire client = Wire.connect(uri)) {
            JsonNode error = client.request("{\"kind\":\"HELLO\",\"rid\":\"n\",\"name\":" + name + "}");
            assertError(error, "BADR", "NAME_INVALID", "n");
            assertThat(error.path("field").asText()).isEqualTo("name");
            assertError(client.request("{\"kind\":\"PING\",\"rid\":\"p\"}"), "STAT", "HELLO_REQUIRED", "p");
            JsonNode hello = client.request("{\"kind\":\"HELLO\",\"rid\":\"h\",\"name\":\"Ada\"}");
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "[]", "\"text\"", "7", "true" })
    void dataMustBeAnObject(String data) {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request("{\"kind\":\"HELLO\",\"rid\":\"d\",\"data\":" + data + "}"), "BADR",
                    "DATA_INVALID", "d");
        }
    }

    @Test
    void dataIsLimitedTo4KiB() {
        try (Wire client = Wire.connect(uri)) {
            String fits = "{\"v\":\"" + "x".repeat(4096 - 8) + "\"}";
            assertThat(client.request("{\"kind\":\"HELLO\",\"data\":" + fits + "}").path("kind").asText())
                    .isEqualTo("HELLO");
        }
        try (Wire client = Wire.connect(uri)) {
            String tooLarge = "{\"v\":\"" + "x".repeat(4096 - 7) + "\"}";
            assertError(client.request("{\"kind\":\"HELLO\",\"rid\":\"d\",\"data\":" + tooLarge + "}"), "BADR",
                    "DATA_TOO_LARGE", "d");
        }
    }

    @Test
    void lastSeqMustBeANonNegativeInteger() {
        try (Wire client = Wire.connect(uri)) {
            for (String lastSeq : new String[] { "\"4\"", "-1", "1.5", "[]" }) {
                JsonNode error = client.request("{\"kind\":\"HELLO\",\"rid\":\"s\",\"last_seq\":" + lastSeq + "}");
                assertError(error, "BADR", "FIELD_INVALID", "s");
                assertThat(error.path("field").asText()).isEqualTo("last_seq");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "42", "\"not-a-jwt\"", "{}" })
    void authIsIgnoredWhileAuthenticationIsOff(String auth) {
        try (Wire client = Wire.connect(uri)) {
            JsonNode hello = client.request("{\"kind\":\"HELLO\",\"auth\":" + auth + "}");
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
        }
    }

    @Test
    void aSecondHelloIsRejected() {
        try (Wire client = Wire.hello(uri, "Ada")) {
            assertError(client.request("{\"kind\":\"HELLO\",\"rid\":\"again\"}"), "STAT", "HELLO_ALREADY_DONE",
                    "again");
        }
    }

    @Test
    void pingAnswersPongWithTheServerTime() {
        try (Wire client = Wire.hello(uri, "Ada")) {
            long before = System.currentTimeMillis();
            JsonNode pong = client.request("{\"kind\":\"PING\",\"rid\":\"t\"}");
            assertThat(pong.path("kind").asText()).isEqualTo("PONG");
            assertThat(pong.path("rid").asText()).isEqualTo("t");
            assertThat(pong.path("ts").asLong()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        }
    }

    @Test
    void resumeAfterAnAbnormalLossRestoresTheSameUserWithANewToken() {
        Wire first = Wire.connect(uri);
        JsonNode original = first.request("{\"kind\":\"HELLO\",\"name\":\"Ada\",\"data\":{\"level\":3}}");
        first.drop();

        try (Wire second = Wire.connect(uri)) {
            JsonNode resumed = second.request("{\"kind\":\"HELLO\",\"rid\":\"r\",\"name\":\"Eve\",\"data\":{},"
                    + "\"reconnect_token\":" + original.get("reconnect_token") + "}");
            assertThat(resumed.path("rid").asText()).isEqualTo("r");
            assertThat(resumed.path("reconnected").asBoolean()).isTrue();
            assertThat(resumed.path("user")).isEqualTo(original.path("user"));
            assertThat(resumed.path("reconnect_token").asText()).isNotBlank()
                    .isNotEqualTo(original.path("reconnect_token").asText());
        }
    }

    /** Opens a session with {@code hello}, loses its connection abnormally, and returns the HELLO answer. */
    private JsonNode lostSession(String hello) {
        Wire client = Wire.connect(uri);
        JsonNode answer = client.request(hello);
        client.drop();
        return answer;
    }

    /** The answer to a HELLO presenting {@code token} on a new connection, which is then lost abnormally. */
    private JsonNode helloWithToken(String token) {
        try (Wire client = Wire.connect(uri)) {
            return client.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + Wire.quote(token) + "}");
        }
    }

    @Test
    void aResumeIgnoresNameAndDataEvenInvalidOnes() {
        JsonNode original = lostSession("{\"kind\":\"HELLO\",\"name\":\"Ada\"}");
        try (Wire client = Wire.connect(uri)) {
            JsonNode resumed = client.request("{\"kind\":\"HELLO\",\"name\":\"\",\"data\":[],\"reconnect_token\":"
                    + original.get("reconnect_token") + "}");
            assertThat(resumed.path("reconnected").asBoolean()).as("%s", resumed).isTrue();
            assertThat(resumed.path("user")).isEqualTo(original.path("user"));
        }
    }

    @Test
    void aTokenIsSingleUse() {
        JsonNode original = lostSession("{\"kind\":\"HELLO\",\"name\":\"Ada\"}");
        String token = original.path("reconnect_token").asText();

        assertThat(helloWithToken(token).path("reconnected").asBoolean()).isTrue();

        JsonNode replayed = helloWithToken(token);
        assertThat(replayed.path("reconnected").asBoolean(true)).isFalse();
        assertThat(replayed.path("user").path("id").asText()).isNotEqualTo(original.path("user").path("id").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"garbage\"", "\"u_nobody.c2VjcmV0\"", "\".\"", "42", "{\"t\":1}", "null" })
    void anInvalidTokenGivesAFreshSession(String token) {
        try (Wire client = Wire.connect(uri)) {
            JsonNode hello = client.request("{\"kind\":\"HELLO\",\"name\":\"Ada\",\"reconnect_token\":" + token + "}");
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
            assertThat(hello.path("user").path("name").asText()).isEqualTo("Ada");
        }
    }

    @Test
    void aTokenLongerThan512CharactersIsInvalidEvenIfItsSessionExists() {
        String token = lostSession("{\"kind\":\"HELLO\"}").path("reconnect_token").asText();
        assertThat(helloWithToken(token + "x".repeat(513)).path("reconnected").asBoolean(true)).isFalse();
    }

    @Test
    void aTamperedTokenIsInvalid() {
        String token = lostSession("{\"kind\":\"HELLO\"}").path("reconnect_token").asText();
        String tampered = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertThat(helloWithToken(tampered).path("reconnected").asBoolean(true)).isFalse();
    }

    @Test
    void resumingAnOpenSessionTakesItOver() {
        try (Wire old = Wire.hello(uri, "Ada"); Wire fresh = Wire.connect(uri)) {
            JsonNode resumed = fresh.request(
                    "{\"kind\":\"HELLO\",\"reconnect_token\":" + old.helloAnswer().get("reconnect_token") + "}");
            assertThat(resumed.path("reconnected").asBoolean()).isTrue();
            assertError(old.next(), "DENY", "SESSION_TAKEN_OVER", null);
            assertThat(old.awaitClose()).isEqualTo(4000);

            fresh.drop();
            try (Wire again = Wire.connect(uri)) {
                JsonNode hello = again.request(
                        "{\"kind\":\"HELLO\",\"reconnect_token\":" + resumed.get("reconnect_token") + "}");
                assertThat(hello.path("reconnected").asBoolean())
                        .as("the taken-over connection's close must not end or detach the session").isTrue();
            }
        }
    }

    @Test
    void byeEndsTheSession() {
        Wire client = Wire.hello(uri, "Ada");
        JsonNode bye = client.request("{\"kind\":\"BYE\",\"rid\":\"b\"}");
        assertThat(bye.path("kind").asText()).isEqualTo("BYE");
        assertThat(bye.path("rid").asText()).isEqualTo("b");
        assertThat(client.awaitClose()).isEqualTo(1000);
        assertTokenIsDead(client.helloAnswer());
    }

    @Test
    void aClientCloseWith1000EndsTheSession() {
        Wire client = Wire.hello(uri, "Ada");
        client.close(1000);
        assertTokenIsDead(client.helloAnswer());
    }

    @Test
    void aClientCloseWithAnotherCodeKeepsTheSession() {
        Wire client = Wire.hello(uri, "Ada");
        client.close(1001);
        try (Wire again = Wire.connect(uri)) {
            JsonNode hello = again.request(
                    "{\"kind\":\"HELLO\",\"reconnect_token\":" + client.helloAnswer().get("reconnect_token") + "}");
            assertThat(hello.path("reconnected").asBoolean()).isTrue();
        }
    }

    @Test
    void requestsBeforeHelloAreRefusedUntilTheTimeoutClosesTheConnection() {
        long connected = System.nanoTime();
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request("{\"kind\":\"PING\",\"rid\":\"p\"}"), "STAT", "HELLO_REQUIRED", "p");
            assertError(client.request("{\"kind\":\"BYE\"}"), "STAT", "HELLO_REQUIRED", null);
            assertError(client.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"x\"}"), "STAT", "HELLO_REQUIRED", null);
            assertError(client.next(), "TIME", "HELLO_TIMEOUT", null);
            assertThat(Duration.ofNanos(System.nanoTime() - connected)).as("the default hello timeout is 5 s")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(4900));
            assertThat(client.awaitClose()).isEqualTo(1008);
        }
    }

    private void assertTokenIsDead(JsonNode originalHello) {
        try (Wire again = Wire.connect(uri)) {
            JsonNode hello = again.request(
                    "{\"kind\":\"HELLO\",\"reconnect_token\":" + originalHello.get("reconnect_token") + "}");
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
        }
    }
}

package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** PROTOCOL.md §2.0: the envelope of every message, checked before anything else. */
@QuarkusTest
public class EnvelopeTest {

    private static final int LIMIT = 65536;

    @TestHTTPResource("/ws")
    URI uri;

    @ParameterizedTest
    @ValueSource(strings = { "{", "{\"kind\":\"PING\"", "not json", "{\"kind\":\"PING\"} {}", "{\"a\":1,\"a\":2}" })
    void malformedJsonIsRejected(String frame) {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request(frame), "BADR", "MALFORMED_JSON", null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "[]", "[{\"kind\":\"HELLO\"}]", "\"HELLO\"", "42", "null", "true" })
    void aMessageMustBeAnObject(String frame) {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request(frame), "BADR", "NOT_AN_OBJECT", null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"rid\":\"k1\"}", "{\"kind\":7,\"rid\":\"k1\"}", "{\"kind\":null,\"rid\":\"k1\"}",
            "{\"kind\":{\"x\":1},\"rid\":\"k1\"}" })
    void kindMustBeAString(String frame) {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request(frame), "BADR", "KIND_MISSING", "k1");
        }
    }

    @Test
    void unknownKindIsRejectedBeforeHelloRequired() {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request("{\"kind\":\"DANCE\",\"rid\":\"r-9\"}"), "BADR", "KIND_UNKNOWN", "r-9");
            assertError(client.request("{\"kind\":\"hello\"}"), "BADR", "KIND_UNKNOWN", null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"kind\":\"PING\",\"rid\":1}", "{\"kind\":\"PING\",\"rid\":true}",
            "{\"kind\":\"PING\",\"rid\":[\"a\"]}", "{\"kind\":\"NOPE\",\"rid\":{}}" })
    void ridMustBeAString(String frame) {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request(frame), "BADR", "RID_INVALID", null);
        }
    }

    @Test
    void ridIsLimitedTo128Characters() {
        try (Wire client = Wire.connect(uri)) {
            String longest = "r".repeat(128);
            JsonNode hello = client.request("{\"kind\":\"HELLO\",\"rid\":\"" + longest + "\"}");
            assertThat(hello.path("rid").asText()).isEqualTo(longest);
            assertError(client.request("{\"kind\":\"PING\",\"rid\":\"" + longest + "r\"}"), "BADR", "RID_INVALID",
                    null);
        }
    }

    @Test
    void ridIsEchoedUnchangedWhateverItLooksLike() {
        try (Wire client = Wire.hello(uri, "Ada")) {
            for (String rid : new String[] { "", "1", "1", "ünï-☃", "{\"not\":\"json\"}" }) {
                JsonNode pong = client.request("{\"kind\":\"PING\",\"rid\":" + Wire.quote(rid) + "}");
                assertThat(pong.path("kind").asText()).isEqualTo("PONG");
                assertThat(pong.path("rid").asText()).isEqualTo(rid);
            }
        }
    }

    @Test
    void binaryFramesAreRejectedAndTheConnectionStaysUsable() {
        try (Wire client = Wire.connect(uri)) {
            client.sendBinary(new byte[] { 1, 2, 3 });
            assertError(client.next(), "BADR", "BINARY_FRAME", null);
            client.send("{\"kind\":\"HELLO\",\"rid\":\"h\"}");
            assertThat(client.next().path("kind").asText()).isEqualTo("HELLO");
            client.sendBinary("{\"kind\":\"PING\"}".getBytes());
            assertError(client.next(), "BADR", "BINARY_FRAME", null);
        }
    }

    @Test
    void aFrameAtTheLimitIsAcceptedAndUnknownFieldsAreIgnored() {
        try (Wire client = Wire.connect(uri)) {
            String prefix = "{\"kind\":\"HELLO\",\"rid\":\"big\",\"future_field\":\"";
            String frame = prefix + "x".repeat(LIMIT - prefix.length() - 2) + "\"}";
            assertThat(frame.length()).isEqualTo(LIMIT);
            JsonNode hello = client.request(frame);
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
            assertThat(hello.path("rid").asText()).isEqualTo("big");
        }
    }

    @Test
    void aFrameOverTheLimitIsRejectedAndClosedWith1009() {
        try (Wire client = Wire.hello(uri, "Ada")) {
            String prefix = "{\"kind\":\"PING\",\"pad\":\"";
            client.send(prefix + "x".repeat(LIMIT - prefix.length() - 1) + "\"}");
            assertError(client.next(), "BADR", "MESSAGE_TOO_LARGE", null);
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void theLimitCountsBytesNotCharacters() {
        try (Wire client = Wire.connect(uri)) {
            String prefix = "{\"kind\":\"HELLO\",\"pad\":\"";
            client.send(prefix + "é".repeat(LIMIT / 2) + "\"}");
            assertError(client.next(), "BADR", "MESSAGE_TOO_LARGE", null);
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void aFrameOverTheTransportCeilingGetsTheSameAnswer() {
        // After HELLO, so that a slow machine taking seconds over 17 MiB cannot meet the hello timeout first.
        try (Wire client = Wire.hello(uri, "Ada")) {
            client.send("{\"kind\":\"PING\",\"pad\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}");
            assertError(client.next(), "BADR", "MESSAGE_TOO_LARGE", null);
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    public static void assertError(JsonNode message, String code, String why, String rid) {
        assertThat(message.path("kind").asText()).as("kind of %s", message).isEqualTo(code);
        assertThat(message.path("why").asText()).as("why of %s", message).isEqualTo(why);
        if (rid == null) {
            assertThat(message.has("rid")).as("rid of %s", message).isFalse();
        } else {
            assertThat(message.path("rid").asText()).as("rid of %s", message).isEqualTo(rid);
        }
    }
}

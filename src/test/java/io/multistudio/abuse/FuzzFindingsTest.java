package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What {@link ProtocolFuzzTest} found, one deterministic case each, so that a fix can be checked on its own. Each
 * test states the answer PROTOCOL.md prescribes.
 */
@QuarkusTest
class FuzzFindingsTest {

    @TestHTTPResource("/ws")
    URI uri;

    private static String room() {
        return "find-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** §2.5: a merge patch is applied; a number a double cannot hold is still a JSON number. */
    @Test
    void aPatchWithANumberBeyondDoubleRangeIsAppliedNotAnInternalError() {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            JsonNode user = ada.request("{\"kind\":\"SET_USER_DATA\",\"rid\":\"u\",\"data\":{\"big\":1e400}}");
            assertThat(user.path("kind").asText()).as("SET_USER_DATA {big:1e400} answered %s", user)
                    .isEqualTo("USER_UPDATED");
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room() + "\"}");
            JsonNode room = ada.request("{\"kind\":\"SET_ROOM_DATA\",\"rid\":\"r\",\"data\":{\"big\":-1e400}}");
            assertThat(room.path("kind").asText()).as("SET_ROOM_DATA {big:-1e400} answered %s", room)
                    .isEqualTo("ROOM_UPDATED");
        }
    }

    /** §2.5: merge patch (RFC 7396) leaves values it does not touch alone, and stores the ones it sets as sent. */
    @Test
    void aPatchKeepsIntegersBeyond64Bits() {
        try (Wire ada = Wire.connect(uri)) {
            ada.request("{\"kind\":\"HELLO\",\"data\":{\"kept\":18446744073709551616}}");
            JsonNode updated = ada.request(
                    "{\"kind\":\"SET_USER_DATA\",\"data\":{\"set\":123456789012345678901234567890}}");
            assertThat(updated.path("user").path("data").path("set").bigIntegerValue())
                    .as("the patched value, in %s", updated).hasToString("123456789012345678901234567890");
            assertThat(updated.path("user").path("data").path("kept").bigIntegerValue())
                    .as("a value the patch did not touch, in %s", updated).hasToString("18446744073709551616");
        }
    }

    /** §2.2 and §2.5: data is a JSON value relayed as sent; a number does not become a string. */
    @Test
    void aNumberBeyondDoubleRangeStaysANumber() {
        try (Wire ada = Wire.connect(uri)) {
            JsonNode hello = ada.request("{\"kind\":\"HELLO\",\"data\":{\"big\":1e400}}");
            assertThat(hello.path("user").path("data").path("big").isNumber())
                    .as("HELLO data {big:1e400} came back as %s", hello.path("user").path("data")).isTrue();
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room() + "\"}");
            JsonNode message = ada.request("{\"kind\":\"SEND\",\"data\":-1e400}");
            assertThat(message.path("data").isNumber()).as("SEND data -1e400 came back as %s", message.path("data"))
                    .isTrue();
        }
    }

    /** Part 1 rule 2: rid is echoed unchanged; a JSON escape of an unpaired surrogate is valid JSON. */
    @Test
    void aRidWithAnEscapedUnpairedSurrogateIsEchoedUnchanged() {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            JsonNode pong = ada.request("{\"kind\":\"PING\",\"rid\":\"a\\ud800b\"}");
            assertThat(pong.path("rid").asText()).as("rid of %s", pong).isEqualTo("a\ud800b");
        }
    }

    /**
     * §2.6 and §2.3: after a resume, live events flow at once. A member who resumes into a room with no other member
     * on this node must get the answer to its next request before the answer to the request after it.
     */
    @Test
    void afterAResumeTheNextAnswerIsNotHeldBack() {
        String room = room();
        try (Wire ada = Wire.hello(uri, "Ada")) {
            long seq = ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}").path("seq").asLong();
            try (Wire back = Wire.connect(uri)) {
                JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":"
                        + ada.helloAnswer().get("reconnect_token") + ",\"last_seq\":" + seq + "}");
                assertThat(hello.path("reconnected").asBoolean()).isTrue();
                assertThat(back.next().path("kind").asText()).isEqualTo("JOINED_ROOM");
                long sent = System.nanoTime();
                back.send("{\"kind\":\"SEND\",\"rid\":\"s\",\"data\":1}");
                back.send("{\"kind\":\"PING\",\"rid\":\"p\"}");
                JsonNode first = back.next();
                long millis = (System.nanoTime() - sent) / 1_000_000;
                assertThat(first.path("rid").asText()).as("first answer %s after %d ms", first, millis).isEqualTo("s");
            }
        }
    }

    /**
     * §2.2, §2.5: data nested as deep as the server's own parser accepts (a frame of at most 1,000 levels) is valid
     * data. Whatever the depth, the answers that carry it a few levels deeper must neither fail to serialize
     * ({@code FAIL}/{@code INTERNAL}, after the session was already created) nor come out deeper than the server itself
     * (or a client on Jackson's defaults) would read.
     */
    @Test
    void dataAsDeepAsTheParserAcceptsIsAnsweredWithReadableMessages() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (int depth = 990; depth <= 999; depth++) {
            String deep = "[".repeat(depth) + "1" + "]".repeat(depth);
            try (Wire ada = Wire.connect(uri)) {
                JsonNode hello = ada.request("{\"kind\":\"HELLO\",\"data\":{\"d\":" + deep + "}}");
                String kind = hello.path("kind").asText();
                if ("BADR".equals(kind)) {
                    continue;
                }
                if (!"HELLO".equals(kind)) {
                    problems.add("HELLO with data " + (depth + 1) + " deep answered " + Checks.abbreviate(hello.toString()));
                    continue;
                }
                JsonNode joined = ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room() + "\"}");
                if (!joined.isObject()) {
                    problems.add("after HELLO with data " + (depth + 1) + " deep, JOINED_ROOM is not readable JSON: "
                            + Checks.abbreviate(joined.toString()));
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}

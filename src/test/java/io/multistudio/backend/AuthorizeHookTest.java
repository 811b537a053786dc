package io.multistudio.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.auth.TestJwt;
import io.multistudio.testsupport.Receiver;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The authorization hook against a real HTTP receiver: what it is asked, and what each of its answers (or silences)
 * does to {@code CREATE_ROOM} and {@code JOIN_ROOM}. The receiver answers by the room's name.
 */
@QuarkusTest
@TestProfile(AuthorizeHookTest.Hooked.class)
class AuthorizeHookTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Receiver BACKEND = Receiver.start();

    public static class Hooked implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = TestJwt.authConfig();
            config.put("multistudio.authorize.url", BACKEND.url());
            config.put("multistudio.authorize.timeout", "2s");
            return config;
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    private final Map<Wire, String> ids = new java.util.HashMap<>();

    AuthorizeHookTest() {
        BACKEND.answer(request -> {
            String room = json(request.body()).path("room").asText();
            if (room.startsWith("deny")) {
                return Receiver.Answer.ok("{\"allow\":false,\"reason\":\"not your team\"}");
            }
            if (room.startsWith("hang")) {
                return Receiver.Answer.HANG;
            }
            if (room.startsWith("broken")) {
                return new Receiver.Answer(500, "{\"allow\":true}");
            }
            if (room.startsWith("garbled")) {
                return Receiver.Answer.ok("allow");
            }
            return Receiver.Answer.ok("{\"allow\":true}");
        });
    }

    @AfterEach
    void forget() {
        BACKEND.clear();
    }

    @Test
    void theHookIsAskedWithTheUserTheRoomAndTheSubject() {
        try (Wire ada = hello("ada-sub", "Ada"); Wire bob = hello("bob-sub", "Bob")) {
            String room = "ok-" + System.nanoTime();
            assertThat(ada.request(create(room)).path("kind").asText()).isEqualTo("JOINED_ROOM");
            assertThat(bob.request(join(room)).path("kind").asText()).isEqualTo("JOINED_ROOM");

            List<JsonNode> asked = BACKEND.received().stream().map(received -> json(received.body())).toList();
            assertThat(asked).hasSize(2);
            assertThat(asked.get(0).path("action").asText()).isEqualTo("create_room");
            assertThat(asked.get(0).path("room").asText()).isEqualTo(room);
            assertThat(asked.get(0).path("subject").asText()).startsWith("ada-sub-");
            assertThat(asked.get(0).path("user").path("name").asText()).isEqualTo("Ada");
            assertThat(asked.get(0).path("user").path("id").asText()).isEqualTo(id(ada));
            assertThat(asked.get(0).path("user").path("data").path("team").asText()).isEqualTo("red");
            assertThat(asked.get(1).path("action").asText()).isEqualTo("join_room");
            assertThat(asked.get(1).path("subject").asText()).startsWith("bob-sub-");
            bye(ada, bob);
        }
    }

    @Test
    void aRoomWithoutAnIdIsNamedToTheHookBeforeItExists() {
        try (Wire ada = hello("anon-sub", "Anon")) {
            JsonNode joined = ada.request("{\"kind\":\"CREATE_ROOM\"}");
            assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
            assertThat(json(BACKEND.received().get(0).body()).path("room").asText())
                    .isEqualTo(joined.path("room").path("id").asText());
            bye(ada);
        }
    }

    @Test
    void aRefusalIsNotAllowedWithTheReasonAndChangesNothing() {
        try (Wire ada = hello("deny-ada", "Ada"); Wire bob = hello("deny-bob", "Bob")) {
            String room = "deny-" + System.nanoTime();
            JsonNode refused = ada.request(create(room));
            assertThat(refused.path("kind").asText()).isEqualTo("DENY");
            assertThat(refused.path("why").asText()).isEqualTo("NOT_ALLOWED");
            assertThat(refused.path("detail").asText()).isEqualTo("not your team");
            assertThat(refused.path("rid").asText()).isEqualTo("r");
            // No room was made, and the user is in none.
            assertThat(ada.request("{\"kind\":\"SEND\",\"data\":1}").path("why").asText()).isEqualTo("NOT_IN_ROOM");
            assertThat(bob.request(join(room)).path("why").asText()).isEqualTo("NOT_ALLOWED");
            assertThat(ada.request(create("ok-" + System.nanoTime())).path("kind").asText())
                    .isEqualTo("JOINED_ROOM");
            bye(ada, bob);
        }
    }

    @Test
    void aSilentOrFailingHookIsUnavailableAndChangesNothing() {
        try (Wire ada = hello("unav-ada", "Ada")) {
            for (String prefix : List.of("hang", "broken", "garbled")) {
                long started = System.nanoTime();
                JsonNode refused = ada.request(create(prefix + "-" + System.nanoTime()));
                assertThat(refused.path("kind").asText()).as(prefix).isEqualTo("UNAV");
                assertThat(refused.path("why").asText()).as(prefix).isEqualTo("HOOK_UNAVAILABLE");
                assertThat((System.nanoTime() - started) / 1_000_000).as(prefix).isLessThan(4000);
            }
            assertThat(ada.request("{\"kind\":\"SEND\",\"data\":1}").path("why").asText()).isEqualTo("NOT_IN_ROOM");
            bye(ada);
        }
    }

    @Test
    void aHangingHookDelaysNoOtherConnection() {
        try (Wire ada = hello("slow-ada", "Ada"); Wire bob = hello("slow-bob", "Bob")) {
            ada.send("{\"kind\":\"CREATE_ROOM\",\"room\":\"hang-" + System.nanoTime() + "\",\"rid\":\"r\"}");
            long started = System.nanoTime();
            assertThat(bob.request("{\"kind\":\"PING\"}").path("kind").asText()).isEqualTo("PONG");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(400);
            assertThat(ada.next().path("why").asText()).isEqualTo("HOOK_UNAVAILABLE");
            bye(ada, bob);
        }
    }

    private Wire hello(String subject, String name) {
        Wire client = Wire.connect(uri);
        JsonNode hello = client.request("{\"kind\":\"HELLO\",\"name\":\"" + name + "\",\"data\":{\"team\":\"red\"},"
                + "\"auth\":" + Wire.quote(TestJwt.token(subject + "-" + System.nanoTime())) + "}");
        assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
        ids.put(client, hello.path("user").path("id").asText());
        return client;
    }

    private String id(Wire client) {
        return ids.get(client);
    }

    private static String create(String room) {
        return "{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\",\"rid\":\"r\"}";
    }

    private static String join(String room) {
        return "{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\",\"rid\":\"r\"}";
    }

    private static void bye(Wire... clients) {
        for (Wire client : clients) {
            client.close(1000);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(body, e);
        }
    }
}

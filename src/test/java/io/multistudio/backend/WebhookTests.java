package io.multistudio.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.Receiver;
import io.multistudio.testsupport.Wire;

/**
 * Webhooks from the packaged server, on each engine, to a real HTTP receiver: what each event says and how it is
 * signed, the order of a room's events, retries with backoff, and a receiver that is down for a minute
 * ({@code webhook.test.down} seconds, to try other times; the retry schedule is shortened so that the events come
 * within seconds of its return).
 */
abstract class WebhookTests {

    static final String SECRET = "webhook-test-secret";
    static final Receiver RECEIVER = Receiver.start();
    private static final Duration DOWN = Duration.parse("PT" + System.getProperty("webhook.test.down", "60") + "S");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AppProcess server;

    URI uri;

    /** Starts the packaged server of a test class: the receiver, and retries and a grace short enough for a test. */
    static void startServer(String name, Map<String, String> engine) {
        Map<String, String> environment = new HashMap<>(engine);
        environment.putAll(Map.of("MULTISTUDIO_WEBHOOK_URL", RECEIVER.url(),
                "MULTISTUDIO_WEBHOOK_SECRET", SECRET,
                "MULTISTUDIO_WEBHOOK_RETRY_DELAY", "100ms",
                "MULTISTUDIO_WEBHOOK_RETRY_MAX_DELAY", "1s",
                "MULTISTUDIO_WEBHOOK_RETRY_FOR", "10m",
                "MULTISTUDIO_RECONNECT_GRACE", "2s"));
        server = AppProcess.start(name, environment);
    }

    @AfterAll
    static void stopServer() {
        server.kill();
    }

    @BeforeEach
    void target() {
        uri = server.wsUri();
    }

    @AfterEach
    void reset() {
        RECEIVER.answer(request -> Receiver.Answer.ok("{}"));
        RECEIVER.up();
    }

    @Test
    void everyEventIsSignedAndSaysWhatHappened() {
        String room = "hooks-" + System.nanoTime();
        Wire ada = Wire.hello(uri, "Ada");
        Wire bob = Wire.hello(uri, "Bob");
        String adaId = id(ada);
        String bobId = id(bob);
        ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
        bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
        bob.request("{\"kind\":\"LEAVE_ROOM\"}");
        ada.close(1000);
        bob.close(1000);

        List<JsonNode> events = await().atMost(Duration.ofSeconds(15)).until(
                () -> about(List.of(room, adaId, bobId)), found -> found.size() >= 10);
        for (Receiver.Received received : RECEIVER.received()) {
            assertThat(received.headers().get("x-multistudio-signature")).isEqualTo(hmac(received.body()));
            assertThat(received.headers().get("content-type")).startsWith("application/json");
        }
        List<JsonNode> roomEvents = events.stream().filter(event -> room.equals(event.path("room").asText())).toList();
        assertThat(roomEvents).extracting(event -> event.path("type").asText() + " " + event.path("user").path("name")
                .asText("") + " " + event.path("reason").asText(""))
                .containsExactly("room.created  ", "user.joined Ada ", "user.joined Bob ", "user.left Bob left",
                        "user.left Ada left", "room.deleted  ");
        assertThat(roomEvents.get(2).path("seq").asLong()).isEqualTo(1);
        assertThat(roomEvents.get(3).path("user").path("id").asText()).isEqualTo(bobId);
        JsonNode ended = only(events, "session.ended", adaId);
        assertThat(ended.path("reason").asText()).isEqualTo("bye");
        assertThat(only(events, "session.started", bobId).path("user").path("name").asText()).isEqualTo("Bob");
        assertThat(events).allSatisfy(event -> {
            assertThat(event.path("id").asText()).startsWith("evt_");
            assertThat(event.path("at").asLong()).isPositive();
        });
        assertThat(events.stream().map(event -> event.path("id").asText()).distinct()).hasSize(events.size());
    }

    @Test
    void aRoomsEventsArriveInTheRoomsOrder() {
        String room = "order-" + System.nanoTime();
        Wire owner = Wire.hello(uri, "Owner");
        owner.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
        for (int i = 0; i < 8; i++) {
            Wire guest = Wire.hello(uri, "Guest" + i);
            guest.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            guest.close(1000);
        }
        owner.close(1000);

        List<JsonNode> events = await().atMost(Duration.ofSeconds(20)).until(() -> about(List.of(room)),
                found -> found.size() == 1 + 9 + 9 + 1);
        List<Long> seqs = events.stream().skip(1).limit(18).map(event -> event.path("seq").asLong()).toList();
        assertThat(seqs).isSorted();
        assertThat(events.get(0).path("type").asText()).isEqualTo("room.created");
        assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("room.deleted");
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoffUntilAccepted() {
        AtomicInteger refused = new AtomicInteger();
        RECEIVER.answer(request -> json(request.body()).path("type").asText().equals("session.started")
                && refused.getAndIncrement() < 2 ? new Receiver.Answer(503, "{}") : Receiver.Answer.ok("{}"));
        Wire ada = Wire.hello(uri, "Retried");
        String adaId = id(ada);

        await().atMost(Duration.ofSeconds(15)).until(() -> attempts(adaId, "session.started").size() == 3);
        List<Receiver.Received> attempts = attempts(adaId, "session.started");
        assertThat(attempts).extracting(Receiver.Received::body).containsOnly(attempts.get(0).body());
        long firstWait = attempts.get(1).at() - attempts.get(0).at();
        long secondWait = attempts.get(2).at() - attempts.get(1).at();
        assertThat(firstWait).isGreaterThanOrEqualTo(100);
        assertThat(secondWait).isGreaterThanOrEqualTo(200);
        ada.close(1000);
    }

    @Test
    void aReceiverThatWasDownGetsEveryEventOnceBack() {
        RECEIVER.down();
        String room = "down-" + System.nanoTime();
        Wire ada = Wire.hello(uri, "Patient");
        String adaId = id(ada);
        ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
        ada.close(1000);
        await().pollDelay(DOWN).atMost(DOWN.plusSeconds(5)).until(() -> true);
        RECEIVER.up();

        List<JsonNode> events = await().atMost(Duration.ofSeconds(15)).until(() -> about(List.of(room, adaId)),
                found -> found.size() >= 6);
        // Each lane in its order; the session's lane and the room's are independent of each other.
        assertThat(events.stream().filter(event -> room.equals(event.path("room").asText())))
                .extracting(event -> event.path("type").asText())
                .containsExactly("room.created", "user.joined", "user.left", "room.deleted");
        assertThat(events.stream().filter(event -> !event.has("room")))
                .extracting(event -> event.path("type").asText())
                .containsExactly("session.started", "session.ended");
    }

    @Test
    void anExpiredSessionLeavesItsRoomAndEndsOnce() {
        String room = "expiry-" + System.nanoTime();
        Wire ada = Wire.hello(uri, "Stays");
        Wire bob = Wire.hello(uri, "Drops");
        String bobId = id(bob);
        ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
        bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
        bob.drop();

        await().atMost(Duration.ofSeconds(20)).until(() -> about(List.of(bobId)),
                found -> found.stream().anyMatch(event -> event.path("type").asText().equals("session.ended")));
        List<JsonNode> events = about(List.of(bobId));
        assertThat(only(events, "session.ended", bobId).path("reason").asText()).isEqualTo("expired");
        assertThat(only(events, "user.left", bobId).path("reason").asText()).isEqualTo("expired");
        ada.close(1000);
    }

    /** The distinct events (first copy of each id) about any of {@code keys} (a room or a user id), in arrival order. */
    private static List<JsonNode> about(List<String> keys) {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        for (Receiver.Received received : RECEIVER.received()) {
            JsonNode event = json(received.body());
            if (keys.contains(event.path("room").asText()) || keys.contains(event.path("user").path("id").asText())) {
                events.putIfAbsent(event.path("id").asText(), event);
            }
        }
        return List.copyOf(events.values());
    }

    private static List<Receiver.Received> attempts(String userId, String type) {
        return RECEIVER.received().stream()
                .filter(received -> json(received.body()).path("user").path("id").asText().equals(userId)
                        && json(received.body()).path("type").asText().equals(type))
                .toList();
    }

    private static JsonNode only(List<JsonNode> events, String type, String userId) {
        List<JsonNode> found = events.stream().filter(event -> event.path("type").asText().equals(type)
                && event.path("user").path("id").asText().equals(userId)).toList();
        assertThat(found).as(type + " of " + userId).hasSize(1);
        return found.get(0);
    }

    private static String id(Wire client) {
        return client.helloAnswer().path("user").path("id").asText();
    }

    private static String hmac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
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

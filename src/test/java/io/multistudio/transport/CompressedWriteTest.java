package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * With permessage-deflate on and negotiated, each frame still passes the pipeline (the extension compresses frame by
 * frame): members that share one encoded event get it intact, whatever its length. The Java client does not offer
 * compression, so the members here are plain Vert.x clients that do.
 */
@QuarkusTest
@TestProfile(CompressedWriteTest.Compression.class)
class CompressedWriteTest {

    public static class Compression implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.websockets-next.server.per-message-compression-supported", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Vertx vertx;

    @Test
    void compressedMembersGetEveryEventIntact() throws Exception {
        int[] pads = { 0, 90, 1100, 30_000, 60_000 };
        String room = "deflate-" + UUID.randomUUID().toString().substring(0, 8);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setTryUsePerMessageCompression(true).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
        try (Wire sender = Wire.hello(uri, "Sender")) {
            sender.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            List<List<JsonNode>> received = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
            for (List<JsonNode> frames : received) {
                AtomicReference<String> extensions = new AtomicReference<>();
                // The handshake's headers are there only while the socket is handed over.
                WebSocket socket = client.connect(new WebSocketConnectOptions().setHost(uri.getHost())
                        .setPort(uri.getPort()).setURI(uri.getPath()))
                        .onSuccess(opened -> extensions.set(opened.headers().get("sec-websocket-extensions")))
                        .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
                assertThat(extensions.get()).startsWith("permessage-deflate");
                socket.textMessageHandler(text -> frames.add(parse(text)));
                socket.writeTextMessage("{\"kind\":\"HELLO\",\"name\":\"Deflated\"}");
                socket.writeTextMessage("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
                await().atMost(Duration.ofSeconds(15)).until(() -> frames.size() >= 2);
                frames.clear();
            }
            for (int pad : pads) {
                sender.send("{\"kind\":\"SEND\",\"data\":{\"pad\":\"" + "x".repeat(pad) + "\"}}");
            }

            for (List<JsonNode> frames : received) {
                await().atMost(Duration.ofSeconds(15)).until(() -> messages(frames).size() >= pads.length);
                List<JsonNode> messages = messages(frames);
                for (int i = 0; i < pads.length; i++) {
                    assertThat(messages.get(i).path("data").path("pad").asText()).hasSize(pads[i]);
                }
            }
        } finally {
            client.close();
        }
    }

    private static List<JsonNode> messages(List<JsonNode> frames) {
        return frames.stream().filter(frame -> "MESSAGE".equals(frame.path("kind").asText())).toList();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

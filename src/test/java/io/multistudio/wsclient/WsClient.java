package io.multistudio.wsclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A WebSocket client for tests, on the JDK's own client so that it shares nothing with the server's stack. It keeps
 * every received message in order, records the close code, and can drop the connection without a close frame.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The close code recorded when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private JsonNode helloAnswer;

    private WsClient(URI uri, Map<String, String> headers) {
        HttpClient http = HttpClient.newHttpClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(webSocketUri(uri), new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Test resources hand out {@code http} URIs; the JDK client wants {@code ws}. */
    private static URI webSocketUri(URI uri) {
        return "http".equals(uri.getScheme()) ? URI.create("ws" + uri.toString().substring(4)) : uri;
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri, Map.of());
    }

    public static WsClient connect(URI uri, Map<String, String> headers) {
        return new WsClient(uri, headers);
    }

    /** Connects and completes a fresh {@code HELLO}, returning the server's answer. */
    public static WsClient hello(URI uri, String name) {
        WsClient client = connect(uri);
        JsonNode hello = client.request("{\"kind\":\"HELLO\",\"name\":" + quote(name) + "}");
        assertThat(hello.path("kind").asText()).as("answer to HELLO: %s", hello).isEqualTo("HELLO");
        client.helloAnswer = hello;
        return client;
    }

    /** The answer to the {@code HELLO} sent by {@link #hello}. */
    public JsonNode helloAnswer() {
        return helloAnswer;
    }

    public void send(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public void send(ObjectNode message) {
        send(message.toString());
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends {@code text} and returns the next message received. */
    public JsonNode request(String text) {
        send(text);
        return next();
    }

    /** The next message, failing the test if none arrives in time. */
    public JsonNode next() {
        try {
            JsonNode message = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                fail("No message within " + TIMEOUT);
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code count} messages. */
    public List<JsonNode> next(int count) {
        List<JsonNode> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(next());
        }
        return messages;
    }

    /** Messages received and not yet taken. */
    public int pending() {
        return received.size();
    }

    /** Waits for the server to close the connection and returns the close code. */
    public int awaitClose() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Closes with {@code code}, as a well-behaved client leaving. */
    public void close(int code) {
        socket.sendClose(code, "").orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        awaitClose();
    }

    /** Drops the TCP connection without a close frame, as a network failure would. */
    public void drop() {
        socket.abort();
        closeCode.complete(NO_CLOSE_FRAME);
    }

    @Override
    public void close() {
        if (!closeCode.isDone()) {
            socket.abort();
        }
    }

    public static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    received.add(JSON.readTree(text));
                } catch (JsonProcessingException e) {
                    received.add(JSON.getNodeFactory().textNode("NOT JSON: " + text));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(NO_CLOSE_FRAME);
        }
    }
}

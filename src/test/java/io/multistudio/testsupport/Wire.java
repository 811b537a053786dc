package io.multistudio.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.client.ClientOptions;
import io.multistudio.client.ConnectionState;
import io.multistudio.client.MultiStudioClient;

/**
 * Our Java client seen one frame at a time, for tests that check the exact wire messages (rid, field presence,
 * order) and choose every field of their requests. Automatic reconnect and keys are off, so that the test sees what
 * the server does and not what the client makes of it; every text frame the client receives is queued as JSON.
 */
public final class Wire implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    /**
     * The client's liveness limit: well within {@link #TIMEOUT}, so that a connection the server dropped is seen as
     * closed even when the JDK does not report it (it may not until the client writes). A live connection is kept by
     * the server's pongs to the client's probes.
     */
    private static final Duration LIVENESS = TIMEOUT.dividedBy(3);
    /** The close code recorded when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = 1006;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MultiStudioClient client;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private JsonNode helloAnswer;

    private Wire(ClientOptions options) {
        client = new MultiStudioClient(options.withAutoReconnect(false).withAutoKeys(false)
                .withRequestTimeout(TIMEOUT).withLivenessLimit(LIVENESS));
        client.frames().subscribe().with(text -> received.add(parse(text)));
    }

    /** An open connection that has said nothing yet: the test sends its own HELLO. */
    public static Wire connect(URI uri) {
        return connect(uri, Map.of());
    }

    public static Wire connect(URI uri, Map<String, String> headers) {
        Wire wire = new Wire(ClientOptions.of(uri).withHeaders(headers));
        wire.client.open().await().atMost(TIMEOUT);
        return wire;
    }

    /** Connects and lets the client say a fresh {@code HELLO} with {@code name}; its answer is taken. */
    public static Wire hello(URI uri, String name) {
        Wire wire = new Wire(ClientOptions.of(uri).withName(name));
        wire.client.connect().await().atMost(TIMEOUT);
        wire.helloAnswer = wire.next();
        assertThat(wire.helloAnswer.path("kind").asText()).as("answer to HELLO: %s", wire.helloAnswer)
                .isEqualTo("HELLO");
        return wire;
    }

    /** The client, for typed requests and its streams. */
    public MultiStudioClient client() {
        return client;
    }

    /** The answer to the {@code HELLO} sent by {@link #hello}. */
    public JsonNode helloAnswer() {
        return helloAnswer;
    }

    /**
     * Sends {@code text}. A server may close the connection before it has read all of a frame it refuses (one over
     * its transport ceiling): the send then fails, and what the server sent before closing is still there to read.
     */
    public void send(String text) {
        try {
            client.sendText(text).await().atMost(TIMEOUT);
        } catch (CompletionException failure) {
            if (!(failure.getCause() instanceof IOException)) {
                throw failure;
            }
        }
    }

    public void sendBinary(byte[] bytes) {
        client.sendBinary(bytes).await().atMost(TIMEOUT);
    }

    public void send(ObjectNode message) {
        send(message.toString());
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

    /**
     * Waits for the connection to end and returns its close code: 1006 ({@link #NO_CLOSE_FRAME}) when the server
     * dropped it, which the client's liveness check notices at the latest.
     */
    public int awaitClose() {
        await().atMost(TIMEOUT).until(this::isClosed);
        return client.closeCode();
    }

    public boolean isClosed() {
        return client.state() == ConnectionState.CLOSED;
    }

    /** Closes with {@code code}, without BYE, and waits for the server's answer. */
    public void close(int code) {
        client.disconnect(code).await().atMost(TIMEOUT.multipliedBy(2));
    }

    /** Drops the TCP connection without a close frame, as a network failure would, and waits until it is gone. */
    public void drop() {
        client.dropConnection();
        await().atMost(TIMEOUT).until(this::isClosed);
    }

    /** Drops the connection if it is still open: the session is left to the server's grace, as after a failure. */
    @Override
    public void close() {
        if (!isClosed()) {
            drop();
        }
    }

    public static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode("NOT JSON: " + text);
        }
    }
}

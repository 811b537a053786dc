package io.multistudio.client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a {@link MultiStudioClient} connects. Start from {@link #of(URI)} and change what you need:
 * <pre>{@code ClientOptions.of(URI.create("wss://example.com/ws")).withName("Ada").withBackoff(ofMillis(100), ofSeconds(5))}</pre>
 *
 * @param uri the WebSocket endpoint ({@code ws:}/{@code wss:}; {@code http:}/{@code https:} are accepted too)
 * @param name the {@code name} for {@code HELLO}, or null for the server's default
 * @param data the user's {@code data} for {@code HELLO} (a JSON object), or null
 * @param auth a JWT for {@code HELLO} when the server requires authentication, or null
 * @param headers extra HTTP headers for the upgrade request (e.g. {@code Origin})
 * @param initialDelay the first reconnect delay; each further attempt doubles it, with jitter
 * @param maxDelay the longest reconnect delay
 * @param requestTimeout how long a request (and the WebSocket handshake) may wait for its answer
 */
public record ClientOptions(URI uri, String name, JsonNode data, String auth, Map<String, String> headers,
        Duration initialDelay, Duration maxDelay, Duration requestTimeout) {

    public ClientOptions {
        Objects.requireNonNull(uri, "uri");
        headers = Map.copyOf(headers);
        new Backoff(initialDelay, maxDelay, () -> 0); // validates the bounds
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
    }

    /** Defaults: no name, data or auth; backoff from 250 ms to 10 s; 15 s per request. */
    public static ClientOptions of(URI uri) {
        return new ClientOptions(webSocketUri(uri), null, null, null, Map.of(), Duration.ofMillis(250),
                Duration.ofSeconds(10), Duration.ofSeconds(15));
    }

    public ClientOptions withName(String name) {
        return new ClientOptions(uri, name, data, auth, headers, initialDelay, maxDelay, requestTimeout);
    }

    public ClientOptions withData(JsonNode data) {
        return new ClientOptions(uri, name, data, auth, headers, initialDelay, maxDelay, requestTimeout);
    }

    public ClientOptions withAuth(String auth) {
        return new ClientOptions(uri, name, data, auth, headers, initialDelay, maxDelay, requestTimeout);
    }

    public ClientOptions withHeaders(Map<String, String> headers) {
        return new ClientOptions(uri, name, data, auth, headers, initialDelay, maxDelay, requestTimeout);
    }

    public ClientOptions withBackoff(Duration initialDelay, Duration maxDelay) {
        return new ClientOptions(uri, name, data, auth, headers, initialDelay, maxDelay, requestTimeout);
    }

    public ClientOptions withRequestTimeout(Duration requestTimeout) {
        return new ClientOptions(uri, name, data, auth, headers, initialDelay, maxDelay, requestTimeout);
    }

    /** The JDK's WebSocket client wants {@code ws}/{@code wss}; test resources and configs often hold {@code http}. */
    private static URI webSocketUri(URI uri) {
        String scheme = uri.getScheme();
        if ("http".equals(scheme) || "https".equals(scheme)) {
            return URI.create("ws" + uri.toString().substring(4));
        }
        return uri;
    }
}

package io.multistudio.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a {@link MultiStudioClient} connects. Start from {@link #of(URI)} and change what you need:
 * <pre>{@code ClientOptions.of(URI.create("wss://example.com/ws")).withName("Ada").withBackoff(ofMillis(100), ofSeconds(5))}</pre>
 *
 * @param endpoints the WebSocket endpoints, {@code ws:}/{@code wss:} (several nodes of one cluster: the client connects
 *        to the first and moves to the next one after each loss, so that it resumes on another node)
 * @param name the {@code name} for {@code HELLO}, or null for the server's default
 * @param data the user's {@code data} for {@code HELLO} (a JSON object), or null
 * @param auth a JWT for {@code HELLO} when the server requires authentication, or null
 * @param headers extra HTTP headers for the upgrade request (e.g. {@code Origin})
 * @param initialDelay the first reconnect delay; each further attempt doubles it, with jitter
 * @param maxDelay the longest reconnect delay
 * @param requestTimeout how long a request (and the WebSocket handshake) may wait for its answer
 * @param autoReconnect whether the client reconnects and resumes after an abnormal loss; without it the client
 *        closes, and {@link MultiStudioClient#closeCode()} tells the code the connection ended with
 * @param autoKeys whether requests other than {@code HELLO} and {@code BYE} carry an idempotency {@code key}
 *        (§2.7a); without keys a request in flight when the connection drops fails instead of being resent
 * @param livenessLimit how long a connection may stay silent (not a frame, ping or pong from the server) before the
 *        client gives it up as lost, as if the network had failed; past half of it the client sends a WebSocket ping
 *        of its own. {@link Duration#ZERO} (or null) turns the check off: the client then relies on the JDK to
 *        report every loss, which it may not do before the client's next write
 */
public record ClientOptions(List<URI> endpoints, String name, JsonNode data, String auth, Map<String, String> headers,
        Duration initialDelay, Duration maxDelay, Duration requestTimeout, boolean autoReconnect, boolean autoKeys,
        Duration livenessLimit) {

    /**
     * The server's default heartbeat interval plus its timeout (PROTOCOL.md §2.7: a ping every 15 s, a client silent
     * for 45 s dropped): a server that is there pings four times within it, and by then it has dropped a client it
     * stopped hearing from.
     */
    public static final Duration DEFAULT_LIVENESS_LIMIT = Duration.ofSeconds(15 + 45);

    public ClientOptions {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        endpoints = endpoints.stream().map(ClientOptions::webSocketUri).toList();
        headers = Map.copyOf(headers);
        new Backoff(initialDelay, maxDelay, () -> 0); // validates the bounds
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        livenessLimit = livenessLimit == null ? Duration.ZERO : livenessLimit;
        if (livenessLimit.isNegative()) {
            throw new IllegalArgumentException("livenessLimit must not be negative, got " + livenessLimit);
        }
    }

    /**
     * Defaults: no name, data or auth; backoff from 250 ms to 10 s; 15 s per request; automatic reconnect and keys;
     * a connection silent for {@link #DEFAULT_LIVENESS_LIMIT} is lost.
     * {@code http:}/{@code https:} endpoints are taken as {@code ws:}/{@code wss:}.
     */
    public static ClientOptions of(URI endpoint, URI... otherNodes) {
        return new ClientOptions(Stream.concat(Stream.of(endpoint), Stream.of(otherNodes)).toList(), null, null, null,
                Map.of(), Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(15), true, true, DEFAULT_LIVENESS_LIMIT);
    }

    public ClientOptions withName(String name) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    public ClientOptions withData(JsonNode data) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    public ClientOptions withAuth(String auth) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    public ClientOptions withHeaders(Map<String, String> headers) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    public ClientOptions withBackoff(Duration initialDelay, Duration maxDelay) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    public ClientOptions withRequestTimeout(Duration requestTimeout) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    /**
     * Without automatic reconnect, a lost connection closes the client: for programs that handle losses themselves,
     * and for tests that check what the server does without the client resuming behind their back.
     */
    public ClientOptions withAutoReconnect(boolean autoReconnect) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    /** Without automatic keys, requests go out without {@code key} (a key the application sets itself is kept). */
    public ClientOptions withAutoKeys(boolean autoKeys) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
    }

    /** The liveness limit; {@link Duration#ZERO} or null turns the check off (see {@link ClientOptions}). */
    public ClientOptions withLivenessLimit(Duration livenessLimit) {
        return new ClientOptions(endpoints, name, data, auth, headers, initialDelay, maxDelay, requestTimeout,
                autoReconnect, autoKeys, livenessLimit);
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

package io.multistudio.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A protocol client that behaves like a well-written production client in a cluster: when its connection is lost
 * (1006, 1012, 1011, ...) it resumes on the next node of its list with its reconnect token and {@code last_seq}, and
 * re-sends every {@code SEND} that was not acknowledged. It records every room event it receives, on whichever
 * connection, so that a {@link Tally} can count what was lost, duplicated or reordered.
 * <p>
 * A {@code SEND} is acknowledged by the sender's own copy of the {@code MESSAGE}: the live copy carries the request's
 * {@code rid}, a replayed copy (after a resume) carries none, so the client recognises its messages by the unique
 * {@code id} inside {@code data}. A re-sent message keeps its id; receivers count it once.
 * <p>
 * All state is guarded by {@code this}; WebSocket callbacks and the traffic timer run on other threads.
 */
final class ResumingClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration RETRY_DELAY = Duration.ofMillis(250);
    /** Give the replay that follows a resumed {@code JOINED_ROOM} time to arrive before re-sending unacknowledged messages. */
    private static final Duration RESEND_DELAY = Duration.ofMillis(300);
    private static final int SEND_WINDOW = 4;
    /** Errors after which a request may succeed when tried again. */
    private static final Set<String> TRANSIENT = Set.of("UNAV", "SLOW", "FULL");

    /** A room event as this member received it. */
    record Received(long seq, String kind, String from, String msgId, String to, String subject, String reason,
            int connection, long at) {

        /** What every member must agree on for this seq. */
        String signature() {
            return kind + "|" + from + "|" + msgId + "|" + to + "|" + subject + "|" + reason;
        }
    }

    /** A message this client sent (perhaps several times) and whether it was acknowledged. */
    static final class Outgoing {
        final String id;
        final String to;
        int sends;
        boolean acked;
        boolean inFlight;
        /** A permanent refusal (e.g. the addressee left the room): not sent again. */
        String refused;
        final List<String> history = new ArrayList<>();

        Outgoing(String id, String to) {
            this.id = id;
            this.to = to;
        }
    }

    private final String name;
    private final List<URI> nodes;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final AtomicInteger rids = new AtomicInteger();

    // Session state.
    private String userId;
    private String token;
    private String room;
    private long lastSeq;
    private int nodeIndex;
    private Connection current;
    private int connections;
    private boolean resuming;
    /** A resume attempt chain is running; it handles the loss of its own connections itself. */
    private boolean resumeInProgress;
    private boolean stopped;

    // What happened.
    private final List<Received> received = new ArrayList<>();
    private final Map<String, Outgoing> outgoing = new LinkedHashMap<>();
    private final List<Integer> closeCodes = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> resumeLog = new ArrayList<>();
    private int resumes;
    private int failedResumes;
    private int unrecoveredResumes;
    private int storeUnavailable;

    // Traffic.
    private ScheduledFuture<?> traffic;
    private int nextMessage;
    private int messageLimit;
    private Supplier<String> recipients = () -> null;

    ResumingClient(String name, List<URI> nodes, int nodeIndex, HttpClient http, ScheduledExecutorService scheduler) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.nodeIndex = nodeIndex;
        this.http = http;
        this.scheduler = scheduler;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Set-up: a fresh session and a room, synchronously.

    /** Opens a fresh session on the client's node. */
    ResumingClient hello() {
        Connection connection = connect(nodes.get(nodeIndex)).join();
        synchronized (this) {
            current = connection;
        }
        JsonNode answer = request(connection, object("HELLO").put("name", name));
        require(answer, "HELLO");
        synchronized (this) {
            userId = answer.path("user").path("id").asText();
            token = answer.path("reconnect_token").asText();
        }
        return this;
    }

    /**
     * Resumes this client's session on node {@code node} with a new client, while this one's connection is still open
     * (a half-open connection, from the session's point of view): the new client takes the session over.
     */
    ResumingClient takeOverOn(int node) {
        ResumingClient successor = new ResumingClient(name + "'", nodes, node, http, scheduler);
        synchronized (this) {
            successor.userId = userId;
            successor.token = token;
            successor.lastSeq = lastSeq;
            successor.room = room;
        }
        Connection connection = successor.connect(nodes.get(node)).join();
        synchronized (successor) {
            successor.current = connection;
            successor.resuming = true;
        }
        JsonNode answer = successor.request(connection,
                object("HELLO").put("reconnect_token", successor.token).put("last_seq", successor.lastSeq));
        require(answer, "HELLO");
        if (!answer.path("reconnected").asBoolean()) {
            throw new AssertionError("Take-over of " + name + " on node " + node + " was not a resume: " + answer);
        }
        synchronized (successor) {
            successor.resumes++;
            successor.token = answer.path("reconnect_token").asText();
        }
        return successor;
    }

    JsonNode createRoom(String roomId) {
        return enter(request(object("CREATE_ROOM").put("room", roomId)));
    }

    JsonNode joinRoom(String roomId) {
        return enter(request(object("JOIN_ROOM").put("room", roomId)));
    }

    private JsonNode enter(JsonNode joined) {
        require(joined, "JOINED_ROOM");
        synchronized (this) {
            room = joined.path("room").path("id").asText();
            lastSeq = Math.max(lastSeq, joined.path("seq").asLong());
        }
        return joined;
    }

    /** Sends {@code message} with a fresh rid on the current connection and waits for its direct answer. */
    JsonNode request(ObjectNode message) {
        Connection connection;
        synchronized (this) {
            connection = current;
        }
        return request(connection, message);
    }

    private JsonNode request(Connection connection, ObjectNode message) {
        return requestAsync(connection, message).orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    private CompletableFuture<JsonNode> requestAsync(Connection connection, ObjectNode message) {
        String rid = "q" + rids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(rid, answer);
        connection.send(message.put("rid", rid).toString());
        return answer.whenComplete((ignored, failure) -> answers.remove(rid));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Traffic: SEND {"id","n"} until the limit, a few in flight at a time.

    /**
     * Starts sending {@code count} messages, one per {@code interval} at most, never more than a few unacknowledged.
     * {@code recipients} names the addressee of each next message ({@code null}: broadcast).
     */
    synchronized void startTraffic(int count, Duration interval, Supplier<String> recipients) {
        this.messageLimit = nextMessage + count;
        this.recipients = recipients;
        long period = interval.toMillis();
        traffic = scheduler.scheduleAtFixedRate(this::sendNext, period, period, TimeUnit.MILLISECONDS);
    }

    /** Sends no new message any more; re-sends of unacknowledged ones still happen. */
    synchronized void stopTraffic() {
        messageLimit = nextMessage;
        if (traffic != null) {
            traffic.cancel(false);
        }
    }

    synchronized boolean trafficDone() {
        return nextMessage >= messageLimit;
    }

    private synchronized void sendNext() {
        if (stopped || resuming || current == null || room == null || nextMessage >= messageLimit) {
            return;
        }
        long inFlight = outgoing.values().stream().filter(out -> out.inFlight).count();
        if (inFlight >= SEND_WINDOW) {
            return;
        }
        Outgoing out = new Outgoing(name + "-" + nextMessage++, recipients.get());
        outgoing.put(out.id, out);
        transmit(out);
    }

    /** Sends (or re-sends) {@code out} on the current connection; its rid is the message id. */
    private void transmit(Outgoing out) {
        ObjectNode send = object("SEND").put("rid", out.id);
        send.putObject("data").put("id", out.id).put("from", name);
        if (out.to != null) {
            send.put("to", out.to);
        }
        out.sends++;
        out.inFlight = true;
        out.history.add(clock(millis()) + " sent on " + current.uri.getPort() + "#" + current.number);
        current.send(send.toString());
    }

    private synchronized void resendUnacknowledged(Connection connection) {
        if (connection != current || stopped) {
            return;
        }
        // Only what was outstanding when the old connection was lost (in flight ones were sent on this connection).
        outgoing.values().stream().filter(out -> !out.acked && !out.inFlight && out.refused == null)
                .forEach(this::transmit);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Receiving.

    private void onMessage(Connection connection, JsonNode message) {
        String rid = message.path("rid").asText(null);
        synchronized (this) {
            if (connection != current) {
                connection.stale.add(message);
                return;
            }
            handle(connection, message, rid);
        }
        if (rid != null) {
            CompletableFuture<JsonNode> answer = answers.get(rid);
            if (answer != null) {
                answer.complete(message);
            }
        }
    }

    private void handle(Connection connection, JsonNode message, String rid) {
        String kind = message.path("kind").asText();
        if (message.has("why")) {
            errors.add(message.toString());
            if ("STORE_UNAVAILABLE".equals(message.path("why").asText())) {
                storeUnavailable++;
            }
            Outgoing out = rid == null ? null : outgoing.get(rid);
            if (out != null && !out.acked) {
                out.inFlight = false;
                out.history.add(clock(millis()) + " refused: " + message);
                if (TRANSIENT.contains(message.path("kind").asText())) {
                    // Not taken (store unavailable, rate limited, shutting down): try again shortly.
                    scheduler.schedule(() -> retry(connection, out), RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    out.refused = message.toString();
                }
            }
            return;
        }
        if ("JOINED_ROOM".equals(kind) && message.path("resumed").asBoolean()) {
            if (!message.path("recovered").asBoolean()) {
                unrecoveredResumes++;
            }
            resumeLog.add(clock(millis()) + " resumed on " + connection.uri.getPort() + " recovered="
                    + message.path("recovered").asBoolean() + " last_seq=" + lastSeq + " room seq="
                    + message.path("seq").asLong());
            resuming = false;
            scheduler.schedule(() -> resendUnacknowledged(connection), RESEND_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (!message.has("seq") || !message.has("room") || "JOINED_ROOM".equals(kind)) {
            return;
        }
        long seq = message.path("seq").asLong();
        JsonNode data = message.path("data");
        String msgId = "MESSAGE".equals(kind) ? data.path("id").asText(null) : null;
        String subject = message.has("user_id") ? message.path("user_id").asText()
                : message.path("user").path("id").asText(null);
        received.add(new Received(seq, kind, message.path("from").asText(null), msgId,
                message.path("to").asText(null), subject, message.path("reason").asText(null), connection.number,
                millis()));
        lastSeq = Math.max(lastSeq, seq);
        if (msgId != null && userId.equals(message.path("from").asText())) {
            Outgoing out = outgoing.get(msgId);
            if (out != null) {
                out.acked = true;
                out.inFlight = false;
                out.history.add(clock(millis()) + " own copy at seq " + seq + (rid == null ? " (no rid: replayed)" : ""));
            }
        }
        if ("LEFT_ROOM".equals(kind)) {
            room = null;
        }
    }

    private synchronized void retry(Connection connection, Outgoing out) {
        if (connection == current && !resuming && !stopped && !out.acked && !out.inFlight) {
            transmit(out);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Losing and resuming the connection.

    private void onClosed(Connection connection, int code) {
        synchronized (this) {
            closeCodes.add(code);
            if (connection != current || stopped) {
                return;
            }
            if (code == 4000) {
                // Taken over by a newer connection of this session: resuming would take it back.
                stopped = true;
                return;
            }
            resuming = true;
            outgoing.values().forEach(out -> out.inFlight = false);
            if (resumeInProgress) {
                // A connection of the running resume attempt: that attempt fails and tries the next node.
                return;
            }
            resumeInProgress = true;
            resumeLog.add(clock(millis()) + " connection #" + connection.number + " to " + connection.uri.getPort()
                    + " closed with " + code);
        }
        int failedNode = nodes.indexOf(connection.uri);
        scheduler.execute(() -> resume(failedNode + 1, 0));
    }

    /** Tries the nodes in turn, starting with {@code index}, until one takes the session back. */
    private void resume(int index, int attempt) {
        URI node;
        String presented;
        long seq;
        synchronized (this) {
            if (stopped) {
                return;
            }
            nodeIndex = Math.floorMod(index, nodes.size());
            node = nodes.get(nodeIndex);
            presented = token;
            seq = lastSeq;
        }
        connect(node).thenCompose(connection -> {
            synchronized (this) {
                current = connection;
            }
            ObjectNode hello = object("HELLO").put("reconnect_token", presented).put("last_seq", seq);
            CompletableFuture<JsonNode> answered = requestAsync(connection, hello);
            // A connection lost before the answer fails the attempt at once.
            connection.closedFuture.thenAccept(code -> answered.completeExceptionally(
                    new IllegalStateException("connection closed with " + code + " before the HELLO answer")));
            return answered.orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(answer -> {
                        synchronized (this) {
                            if (!"HELLO".equals(answer.path("kind").asText())) {
                                // e.g. UNAV while the store is away: this node cannot resume us now, the token is
                                // still ours; drop the connection (never with 1000, which would end the session).
                                resumeLog.add(clock(millis()) + " HELLO refused on " + node.getPort() + ": " + answer);
                                current = null;
                                connection.abort();
                                throw new IllegalStateException("HELLO refused: " + answer);
                            }
                            resumes++;
                            resumeInProgress = false;
                            token = answer.path("reconnect_token").asText();
                            if (!answer.path("reconnected").asBoolean()) {
                                failedResumes++;
                                resumeLog.add(clock(millis()) + " NOT reconnected on " + node.getPort() + ": " + answer);
                                room = null;
                                resuming = false;
                            } else if (room == null) {
                                resuming = false;
                            }
                        }
                        return answer;
                    });
        }).whenComplete((answer, failure) -> {
            if (failure != null) {
                synchronized (this) {
                    if (stopped) {
                        return;
                    }
                    resumeLog.add(clock(millis()) + " attempt " + attempt + " on " + node.getPort() + " failed: " + failure);
                }
                scheduler.schedule(() -> resume(index + 1, attempt + 1), RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private CompletableFuture<Connection> connect(URI uri) {
        Connection connection;
        synchronized (this) {
            connection = new Connection(uri, ++connections);
        }
        return http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, connection)
                .orTimeout(10, TimeUnit.SECONDS)
                .thenApply(socket -> {
                    connection.socket = socket;
                    return connection;
                });
    }

    /** Drops the current connection without a close frame, as a network failure would (no resume follows). */
    void dropForGood() {
        Connection connection;
        synchronized (this) {
            stopped = true;
            stopTraffic();
            connection = current;
        }
        if (connection != null) {
            connection.abort();
        }
    }

    /** Ends the session with a close 1000 (the user leaves its room), and stops resuming. */
    @Override
    public void close() {
        Connection connection;
        synchronized (this) {
            if (stopped && current == null) {
                return;
            }
            stopped = true;
            stopTraffic();
            connection = current;
            current = null;
        }
        if (connection != null && connection.socket != null) {
            try {
                connection.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                connection.abort();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Accessors for tallies and assertions.

    String name() {
        return name;
    }

    synchronized String userId() {
        return userId;
    }

    synchronized String token() {
        return token;
    }

    synchronized String room() {
        return room;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    synchronized int port() {
        return current == null ? -1 : current.uri.getPort();
    }

    synchronized boolean connectedAndInRoom() {
        return current != null && !resuming && room != null && !stopped;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<Outgoing> outgoing() {
        return List.copyOf(outgoing.values());
    }

    /** Every message acknowledged or refused for good: nothing more will come of the traffic. */
    synchronized boolean allAnswered() {
        return outgoing.values().stream().allMatch(out -> out.acked || out.refused != null);
    }

    synchronized long acknowledged() {
        return outgoing.values().stream().filter(out -> out.acked).count();
    }

    synchronized List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized int resumes() {
        return resumes;
    }

    synchronized int failedResumes() {
        return failedResumes;
    }

    synchronized int unrecoveredResumes() {
        return unrecoveredResumes;
    }

    synchronized int storeUnavailable() {
        return storeUnavailable;
    }

    synchronized List<String> resumeLog() {
        return List.copyOf(resumeLog);
    }

    @Override
    public synchronized String toString() {
        return name + "(" + userId + " on " + (current == null ? "-" : current.uri.getPort()) + ", last_seq "
                + lastSeq + ", resumes " + resumes + ", closes " + closeCodes + ")";
    }

    /** Wall-clock time, to line a dump up with the server logs. */
    private static long millis() {
        return System.currentTimeMillis();
    }

    private static String clock(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()).toLocalTime().toString();
    }

    /** Everything this client saw and did, for the scenario's evidence folder. */
    synchronized String dump() {
        StringBuilder text = new StringBuilder(toString()).append(System.lineSeparator());
        text.append("nodes: ").append(nodes).append(System.lineSeparator());
        text.append("close codes: ").append(closeCodes).append(System.lineSeparator());
        resumeLog.forEach(line -> text.append("resume: ").append(line).append(System.lineSeparator()));
        errors.forEach(line -> text.append("error: ").append(line).append(System.lineSeparator()));
        text.append("-- received room events (time, connection, seq, event)").append(System.lineSeparator());
        received.forEach(event -> text.append(clock(event.at())).append(" #").append(event.connection()).append(" ")
                .append(event.seq()).append(" ").append(event.signature()).append(System.lineSeparator()));
        text.append("-- sent messages").append(System.lineSeparator());
        outgoing.values().forEach(out -> text.append(out.id).append(out.to == null ? "" : " to " + out.to)
                .append(out.acked ? " acked" : out.refused != null ? " REFUSED" : " UNACKED").append(": ")
                .append(out.history).append(System.lineSeparator()));
        return text.toString();
    }

    static ObjectNode object(String kind) {
        return JSON.createObjectNode().put("kind", kind);
    }

    private static void require(JsonNode answer, String kind) {
        if (!kind.equals(answer.path("kind").asText())) {
            throw new AssertionError("Expected " + kind + " but got " + answer);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** One WebSocket connection of this client. */
    private final class Connection implements WebSocket.Listener {

        final URI uri;
        final int number;
        final List<JsonNode> stale = new ArrayList<>();
        volatile WebSocket socket;
        private final StringBuilder partial = new StringBuilder();
        private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
        final CompletableFuture<Integer> closedFuture = new CompletableFuture<>();
        private boolean closed;

        Connection(URI uri, int number) {
            this.uri = uri;
            this.number = number;
        }

        /** The JDK client allows one outstanding send per socket: sends are chained. */
        synchronized void send(String text) {
            WebSocket target = socket;
            sending = sending.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> target.sendText(text, true));
        }

        void abort() {
            WebSocket target = socket;
            if (target != null) {
                target.abort();
            }
            closedWith(1006);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            this.socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    onMessage(this, JSON.readTree(text));
                } catch (JsonProcessingException e) {
                    synchronized (ResumingClient.this) {
                        errors.add("NOT JSON: " + text);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedWith(1006);
        }

        private void closedWith(int code) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            onClosed(this, code);
            closedFuture.complete(code);
        }
    }
}

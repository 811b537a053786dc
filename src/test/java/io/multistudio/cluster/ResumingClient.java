package io.multistudio.cluster;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.client.ClientOptions;
import io.multistudio.client.ConnectionState;
import io.multistudio.client.MultiStudioClient;
import io.multistudio.client.MultiStudioException;
import io.multistudio.client.RoomEvent;
import io.multistudio.client.ServerMessage;
import io.smallrye.mutiny.Uni;

/**
 * A member of a cluster scenario: our Java client, which resumes on the next node after a loss, resends its requests
 * in flight with their keys and passes each room event on once, plus what a {@link Tally} counts.
 * <p>
 * What it receives goes to its {@link MemberLog}, from the client's raw frames. A {@code SEND} is acknowledged when
 * it settles with the sender's own {@code MESSAGE}; an error answer did not take effect (§2.7a), so a transient one
 * is tried again as a new request and any other refuses the message for good.
 * <p>
 * All state is guarded by {@code this}: the client's callbacks run on its own thread, the traffic on the scheduler.
 */
final class ResumingClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough to cover a resume while a node or the store is down: a timeout here is a lost answer. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RETRY_DELAY = Duration.ofMillis(250);
    private static final int SEND_WINDOW = 4;
    /** Errors after which a request may succeed when tried again. */
    private static final Set<String> TRANSIENT = Set.of("UNAV", "SLOW", "FULL");

    /** A message this client sent (perhaps as several requests) and whether it was acknowledged. */
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
    private final ScheduledExecutorService scheduler;
    private final MultiStudioClient client;

    private final MemberLog log = new MemberLog();
    private final Map<String, Outgoing> outgoing = new LinkedHashMap<>();
    private String userId;
    private boolean stopped;

    private ScheduledFuture<?> traffic;
    private int nextMessage;
    private int messageLimit;
    private Supplier<String> recipients = () -> null;

    /** A client whose home is {@code nodes[home]}; after each loss it moves on to the next node of the list. */
    ResumingClient(String name, List<URI> nodes, int home, ScheduledExecutorService scheduler) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.scheduler = scheduler;
        List<URI> order = IntStream.range(0, nodes.size()).mapToObj(i -> nodes.get((home + i) % nodes.size())).toList();
        URI[] others = order.subList(1, order.size()).toArray(URI[]::new);
        client = new MultiStudioClient(ClientOptions.of(order.get(0), others)
                .withName(name).withBackoff(RETRY_DELAY, Duration.ofSeconds(1)).withRequestTimeout(REQUEST_TIMEOUT));
        client.frames().subscribe().with(text -> log.frame(text, client.endpoint().getPort()));
        client.retries().subscribe().with(retry -> log.connection("connection closed with " + retry.closeCode()
                + ", attempt " + retry.attempt() + " in " + retry.delay().toMillis() + " ms", retry.closeCode()));
        client.states().filter(state -> state == ConnectionState.CLOSED)
                .subscribe().with(closed -> log.connection("closed", client.closeCode()));
    }

    /** Opens a fresh session on the client's home node. */
    ResumingClient hello() {
        ServerMessage.Hello hello = client.connect().await().atMost(REQUEST_TIMEOUT);
        synchronized (this) {
            userId = hello.user().id();
        }
        return this;
    }

    /**
     * Resumes this client's session on node {@code node} with a new client, while this one's connection is still open
     * (a half-open connection, from the session's point of view): the new client takes the session over.
     */
    ResumingClient takeOverOn(int node) {
        ResumingClient successor = new ResumingClient(name + "'", nodes, node, scheduler);
        ObjectNode hello = JSON.createObjectNode().put("kind", "HELLO");
        synchronized (this) {
            successor.userId = userId;
        }
        successor.log.entered(log.room(), log.lastSeq());
        hello.put("reconnect_token", log.lastHello().path("reconnect_token").asText()).put("last_seq", log.lastSeq());
        successor.client.open().await().atMost(REQUEST_TIMEOUT);
        successor.client.sendText(hello.toString()).await().atMost(REQUEST_TIMEOUT);
        await().atMost(REQUEST_TIMEOUT).until(() -> successor.log.lastHello() != null);
        if (!successor.log.lastHello().path("reconnected").asBoolean()) {
            throw new AssertionError("Take-over of " + name + " on node " + node + " was not a resume: "
                    + successor.log.lastHello());
        }
        return successor;
    }

    void createRoom(String roomId) {
        entered(client.createRoom(roomId));
    }

    void joinRoom(String roomId) {
        entered(client.joinRoom(roomId));
    }

    private void entered(Uni<ServerMessage.JoinedRoom> request) {
        ServerMessage.JoinedRoom joined = request.await().atMost(REQUEST_TIMEOUT);
        log.entered(joined.room().id(), joined.seq());
    }

    ServerMessage.RoomList listRooms(int limit) {
        return client.listRooms(limit).await().atMost(REQUEST_TIMEOUT);
    }

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

    /** Sends no new message any more; retries of refused ones still happen. */
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
        if (stopped || client.state() != ConnectionState.OPEN || log.room() == null || nextMessage >= messageLimit
                || outgoing.values().stream().filter(out -> out.inFlight).count() >= SEND_WINDOW) {
            return;
        }
        Outgoing out = new Outgoing(name + "-" + nextMessage++, recipients.get());
        outgoing.put(out.id, out);
        transmit(out);
    }

    /**
     * Sends {@code out} as a new request, under a new key; the client resends it with that key if the connection drops
     * meanwhile. The message says which send it is, so that a member can tell one key delivered twice (the server
     * executed a request again) from two sends delivered once each.
     */
    private void transmit(Outgoing out) {
        out.sends++;
        ObjectNode data = JSON.createObjectNode().put("id", out.id).put("from", name).put("send", out.sends);
        out.inFlight = true;
        out.history.add(MemberLog.clock(MemberLog.millis()) + " sent via " + client.endpoint().getPort());
        Uni<RoomEvent.Message> sent = out.to == null ? client.send(data) : client.sendTo(out.to, data);
        sent.subscribe().with(own -> acknowledged(out, own), failure -> failed(out, failure));
    }

    private synchronized void acknowledged(Outgoing out, RoomEvent.Message own) {
        out.acked = true;
        out.inFlight = false;
        out.history.add(MemberLog.clock(MemberLog.millis()) + " own copy at seq " + own.seq());
    }

    private synchronized void failed(Outgoing out, Throwable failure) {
        out.inFlight = false;
        out.history.add(MemberLog.clock(MemberLog.millis()) + " failed: " + failure);
        if (failure instanceof MultiStudioException refused && TRANSIENT.contains(refused.kind()) && !stopped) {
            // Not taken (store unavailable, rate limited, shutting down): try again shortly.
            scheduler.schedule(() -> retry(out), RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            out.refused = failure.toString();
        }
    }

    private synchronized void retry(Outgoing out) {
        if (!stopped && !out.acked && !out.inFlight) {
            transmit(out);
        }
    }

    /** Closes the connection without BYE and stops: the session waits out its grace, as after a failure. */
    void dropForGood() {
        synchronized (this) {
            stopped = true;
            stopTraffic();
        }
        client.disconnect(1001).await().atMost(REQUEST_TIMEOUT);
    }

    /** Ends the session with BYE (the user leaves its room), and stops resuming. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            stopTraffic();
        }
        client.close();
    }

    String name() {
        return name;
    }

    synchronized String userId() {
        return userId;
    }

    String room() {
        return log.room();
    }

    int port() {
        return client.state() == ConnectionState.CLOSED ? -1 : client.endpoint().getPort();
    }

    boolean connectedAndInRoom() {
        return client.state() == ConnectionState.OPEN && log.room() != null && !isStopped();
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    /** What this member received and how its connections went. */
    MemberLog log() {
        return log;
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

    @Override
    public synchronized String toString() {
        return name + "(" + userId + " via " + client.endpoint().getPort() + " " + client.state() + ", last_seq "
                + log.lastSeq() + ", resumes " + log.resumes() + ", closes " + log.closeCodes() + ")";
    }

    /** Everything this client saw and did, for the scenario's evidence folder. */
    synchronized String dump() {
        StringBuilder text = new StringBuilder(toString()).append(System.lineSeparator());
        text.append("nodes: ").append(nodes).append(System.lineSeparator());
        log.dump(text);
        text.append("-- sent messages").append(System.lineSeparator());
        outgoing.values().forEach(out -> text.append(out.id).append(out.to == null ? "" : " to " + out.to)
                .append(out.acked ? " acked" : out.refused != null ? " REFUSED" : " UNACKED").append(": ")
                .append(out.history).append(System.lineSeparator()));
        return text.toString();
    }
}

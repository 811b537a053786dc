package io.multistudio.transport;

import io.multistudio.delivery.LocalRoom;
import io.netty.buffer.ByteBuf;
import io.quarkus.websockets.next.CloseReason;

/**
 * Everything this node knows about one open connection, in one place: its socket and outbound stream, its rate
 * budget, where it stands in the protocol, the session it carries once {@code HELLO} succeeded, and the room it is
 * delivered.
 */
public final class Connection {

    /** Why a connection cut off for not reading fast enough was closed. */
    public static final CloseReason SLOW_CONSUMER = Outbound.SLOW_CONSUMER;

    /** Where a connection stands in the protocol. */
    public enum State {
        /** Open; only {@code HELLO} is accepted, until the hello timeout. */
        AWAITING_HELLO,
        /** Carries a session: every other request is accepted. */
        ESTABLISHED,
        /** Gave up its session (bye, take-over, drain) and is being closed. */
        CLOSING,
        /** The socket is gone. */
        CLOSED
    }

    private final String id;
    private final Outbound outbound;
    private final Inbound inbound;
    private final String reference;
    private final RateLimit rateLimit;
    private volatile State state = State.AWAITING_HELLO;
    private volatile String sessionId;
    private volatile String subject;
    private volatile long attachment;
    private volatile long helloTimer = -1;
    /** What it counts for against the caps on its client address, from the moment it was admitted. */
    private volatile AddressLimits.Count countedAs;
    private volatile LocalRoom room;
    /** When something last arrived from the client ({@link System#nanoTime()}), for the {@link Heartbeat}. */
    private volatile long heardAt = System.nanoTime();

    public Connection(String id, String nodeId, Outbound outbound, Inbound inbound, RateLimit rateLimit) {
        this.id = id;
        this.inbound = inbound;
        this.rateLimit = rateLimit;
        this.outbound = outbound;
        this.reference = nodeId + "/" + id;
    }

    /** The connection as sessions record it: unique across the cluster. */
    public String reference() {
        return reference;
    }

    /** Its socket's inbound side: how many of its messages wait to be handled. */
    public Inbound inbound() {
        return inbound;
    }

    public RateLimit rateLimit() {
        return rateLimit;
    }

    public String id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** The session this connection carries; {@code null} before {@code HELLO} and once it gave the session up. */
    public String sessionId() {
        return sessionId;
    }

    /** The JWT subject its user authenticated with; {@code null} without authentication. */
    public String subject() {
        return subject;
    }

    /** Which attachment of its session this connection is (see {@code Session#attachments}). */
    public long attachment() {
        return attachment;
    }

    /**
     * {@code HELLO} succeeded: the connection carries the session from now on.
     *
     * @param subject the JWT subject the user authenticated with, {@code null} without authentication
     */
    public void established(String sessionId, long attachment, String subject) {
        this.attachment = attachment;
        this.sessionId = sessionId;
        this.subject = subject;
        this.state = State.ESTABLISHED;
    }

    /**
     * The connection gives its session up, to be closed (bye, take-over, drain).
     *
     * @return the session it carried, {@code null} if none
     */
    public String release() {
        String released = sessionId;
        sessionId = null;
        if (state != State.CLOSED) {
            state = State.CLOSING;
        }
        return released;
    }

    /** The room this connection's user is in, as delivered to it; {@code null} if none. */
    public String room() {
        LocalRoom local = room;
        return local == null ? null : local.id();
    }

    public LocalRoom localRoom() {
        return room;
    }

    /** Set by delivery only, which holds the connection as a member of {@code local}. */
    public void enteredRoom(LocalRoom local) {
        this.room = local;
    }

    /** Forgets the room, unless the connection has meanwhile entered another one. */
    public void leftRoom(String roomId) {
        if (roomId.equals(room())) {
            room = null;
        }
    }

    public long helloTimer() {
        return helloTimer;
    }

    public AddressLimits.Count countedAs() {
        return countedAs;
    }

    public void countedAs(AddressLimits.Count count) {
        this.countedAs = count;
    }

    public void helloTimer(long timer) {
        this.helloTimer = timer;
    }

    public void send(String text) {
        outbound.send(Outbound.frame(text));
    }

    /** Sends a frame already encoded ({@link Outbound#frame}), taking over one reference to it. */
    public void send(ByteBuf text) {
        outbound.send(text);
    }

    public void sendAndClose(String text, CloseReason reason) {
        outbound.sendAndClose(Outbound.frame(text), reason);
    }

    /** A frame or a pong arrived: the client is there. */
    public void heard() {
        heardAt = System.nanoTime();
    }

    long heardAt() {
        return heardAt;
    }

    void ping() {
        outbound.ping();
    }

    /** Drops the connection without a close handshake; the socket's close then counts as an abnormal loss. */
    public void abort() {
        outbound.abort();
    }

    /**
     * Drops the connection without a close handshake once what is queued was written: the client, alive, sees an
     * abnormal loss and resumes, holding every answer it was sent (a resume's new reconnect token among them).
     */
    public void drop() {
        outbound.drop();
    }

    /** Bytes queued or written to this connection and not yet taken by the client. */
    public long unsent() {
        return outbound.unsent();
    }

    public void onCutOff(Runnable action) {
        outbound.onCutOff(action);
    }

    /** Closes the connection once what is queued was written. */
    public void close(CloseReason reason) {
        outbound.close(reason);
    }

    /** The socket is gone: the outbound stream stops. */
    public void closed() {
        state = State.CLOSED;
        outbound.closed();
    }
}

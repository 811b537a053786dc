package io.multistudio.transport;

import io.multistudio.delivery.LocalRoom;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * What this node knows about one open connection: its socket, its outbound stream, and the session it carries once
 * {@code HELLO} succeeded.
 */
public final class Connection {

    private final WebSocketConnection socket;
    private final Outbound outbound;
    private final String reference;
    private final RateLimit rateLimit;
    private volatile String sessionId;
    private volatile long attachment;
    private volatile long helloTimer = -1;
    private volatile String room;
    private volatile LocalRoom localRoom;

    public Connection(WebSocketConnection socket, String nodeId, long outboundLimit, RateLimit rateLimit,
            Runnable frameSent) {
        this.socket = socket;
        this.rateLimit = rateLimit;
        this.outbound = new Outbound(socket, outboundLimit, frameSent);
        this.reference = nodeId + "/" + socket.id();
    }

    /** The connection as sessions record it: unique across the cluster. */
    public String reference() {
        return reference;
    }

    public RateLimit rateLimit() {
        return rateLimit;
    }

    public String id() {
        return socket.id();
    }

    public String sessionId() {
        return sessionId;
    }

    public void sessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    /** Which attachment of its session this connection is (see {@code Session#attachments}). */
    public long attachment() {
        return attachment;
    }

    public void attached(String sessionId, long attachment) {
        this.attachment = attachment;
        this.sessionId = sessionId;
    }

    /** The room this connection's user is in, as delivered to it; {@code null} if none. */
    public String room() {
        return room;
    }

    public LocalRoom localRoom() {
        return localRoom;
    }

    public void enteredRoom(String roomId, LocalRoom local) {
        this.room = roomId;
        this.localRoom = local;
    }

    /** Forgets the room, unless the connection has meanwhile entered another one. */
    public void leftRoom(String roomId) {
        if (roomId.equals(room)) {
            room = null;
            localRoom = null;
        }
    }

    public long helloTimer() {
        return helloTimer;
    }

    public void helloTimer(long timer) {
        this.helloTimer = timer;
    }

    public void send(String text) {
        outbound.send(text);
    }

    public void sendAndClose(String text, CloseReason reason) {
        outbound.sendAndClose(text, reason);
    }

    public void onCutOff(Runnable action) {
        outbound.onCutOff(action);
    }

    /** Closes the connection once what is queued was written. */
    public void close(CloseReason reason) {
        outbound.close(reason);
    }

    public void closed() {
        outbound.closed();
    }
}

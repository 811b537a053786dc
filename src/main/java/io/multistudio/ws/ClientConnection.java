package io.multistudio.ws;

import io.netty.buffer.ByteBuf;
import io.quarkus.websockets.next.CloseReason;

/**
 * What this node knows about one open connection: its socket, its outbound stream, and the session it carries once
 * {@code HELLO} succeeded.
 */
final class ClientConnection {

    private final String id;
    private final Outbound outbound;
    private final String reference;
    private final RateLimit rateLimit;
    private volatile String sessionId;
    private volatile long attachment;
    private volatile long helloTimer = -1;
    private volatile String room;
    private volatile LocalRoom localRoom;

    ClientConnection(String id, String nodeId, Outbound outbound, RateLimit rateLimit) {
        this.id = id;
        this.rateLimit = rateLimit;
        this.outbound = outbound;
        this.reference = nodeId + "/" + id;
    }

    /** The connection as sessions record it: unique across the cluster. */
    String reference() {
        return reference;
    }

    RateLimit rateLimit() {
        return rateLimit;
    }

    String id() {
        return id;
    }

    String sessionId() {
        return sessionId;
    }

    void sessionId(String sessionId) {
        this.sessionId = sessionId;
    }

    /** Which attachment of its session this connection is (see {@code Session#attachments}). */
    long attachment() {
        return attachment;
    }

    void attached(String sessionId, long attachment) {
        this.attachment = attachment;
        this.sessionId = sessionId;
    }

    /** The room this connection's user is in, as delivered to it; {@code null} if none. */
    String room() {
        return room;
    }

    LocalRoom localRoom() {
        return localRoom;
    }

    void enteredRoom(String roomId, LocalRoom local) {
        this.room = roomId;
        this.localRoom = local;
    }

    /** Forgets the room, unless the connection has meanwhile entered another one. */
    void leftRoom(String roomId) {
        if (roomId.equals(room)) {
            room = null;
            localRoom = null;
        }
    }

    long helloTimer() {
        return helloTimer;
    }

    void helloTimer(long timer) {
        this.helloTimer = timer;
    }

    void send(String text) {
        outbound.send(Outbound.utf8(text));
    }

    /** Sends bytes already encoded, taking over one reference to them. */
    void send(ByteBuf text) {
        outbound.send(text);
    }

    void sendAndClose(String text, CloseReason reason) {
        outbound.sendAndClose(Outbound.utf8(text), reason);
    }

    void onCutOff(Runnable action) {
        outbound.onCutOff(action);
    }

    /** Closes the connection once what is queued was written. */
    void close(CloseReason reason) {
        outbound.close(reason);
    }

    void closed() {
        outbound.closed();
    }
}

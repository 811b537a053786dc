package io.multistudio.room;

/**
 * Who asks for a room change: the user, its connection, and the request's {@code rid}. The connection and {@code rid}
 * go into the events the change produces, so that the requester's copy answers its request.
 */
public record Actor(String userId, String connection, String rid) {

    /** The server acting on its own (an operator, an expiry, an owner hand-over): nobody's request is answered. */
    static final Actor SERVER = new Actor(null, null, null);

    boolean server() {
        return userId == null;
    }
}

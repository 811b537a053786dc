package io.multistudio.room;

/**
 * Who asks for a room change: the user, its connection, the request's {@code rid} and the mark of its key. They go
 * into the events the change produces, so that the requester's copy answers its request, and a resend of a keyed
 * request whose answer was lost finds them.
 */
public record Actor(String userId, String connection, String rid, String mark) {

    /** The server acting on its own (an operator, an expiry, an owner hand-over): nobody's request is answered. */
    static final Actor SERVER = new Actor(null, null, null);

    /** An actor whose request has no key. */
    public Actor(String userId, String connection, String rid) {
        this(userId, connection, rid, null);
    }

    boolean server() {
        return userId == null;
    }
}

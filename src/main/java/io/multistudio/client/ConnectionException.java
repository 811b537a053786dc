package io.multistudio.client;

/** A request that got no answer from the server, and why. */
public final class ConnectionException extends RuntimeException {

    public enum Reason {
        /** No answer within the request timeout; the request may or may not have taken effect. */
        TIMEOUT,
        /** The client was closed (BYE, close 1000, taken over, HELLO refused) before the answer. */
        CLOSED,
        /**
         * The connection dropped and the resume started a fresh session ({@code reconnected: false}): the old session,
         * with its room and its request keys, is gone, so the request may or may not have taken effect.
         */
        SESSION_LOST,
        /**
         * The connection dropped with a request that cannot be resent ({@code HELLO}, {@code BYE}, a request without
         * key), or, without automatic reconnect, the connection ended or could not be opened.
         */
        LOST
    }

    private final Reason reason;

    public ConnectionException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** With the {@code cause} of a connection that could not be opened, e.g. a refused WebSocket handshake. */
    public ConnectionException(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

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
        /** The connection dropped with a request that cannot be resent ({@code HELLO}, {@code BYE}). */
        LOST
    }

    private final Reason reason;

    public ConnectionException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package io.multistudio.session;

/**
 * A request met its session gone: it expired while its connection was still served here (this node's lease ran out
 * and the others put the session into grace). Not an internal error: the connection is told to resume.
 */
public final class SessionGone extends RuntimeException {

    public SessionGone(String sessionId) {
        super("Session " + sessionId + " is gone", null, false, false);
    }
}

package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.cluster.Node;
import io.multistudio.delivery.LocalRooms;
import io.multistudio.protocol.Why;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.multistudio.transport.Connection;
import io.multistudio.transport.Errors;
import io.multistudio.transport.LocalConnections;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.CloseReason;

/**
 * A session attached to a newer connection (a resume, here or on another node) leaves its connection here stale: that
 * connection gives the session up, is told {@code SESSION_TAKEN_OVER} and closed with 4000.
 */
@Startup
@Singleton
class TakeOver {

    private static final CloseReason TAKEN_OVER = new CloseReason(4000, "session taken over");

    private final LocalConnections connections;
    private final LocalRooms localRooms;
    private final Errors errors;
    private final Node node;

    TakeOver(LocalConnections connections, LocalRooms localRooms, Errors errors, Node node, SessionService sessions) {
        this.connections = connections;
        this.localRooms = localRooms;
        this.errors = errors;
        this.node = node;
        sessions.onWritten(this::sessionWritten);
    }

    /**
     * The connection a resumed session was still attached to is told and closed.
     *
     * @return the last room seq that connection was handed, -1 if unknown here
     */
    long takeOver(String previousConnection) {
        String prefix = node.id() + "/";
        if (previousConnection == null || !previousConnection.startsWith(prefix)) {
            return -1;
        }
        Connection previous = connections.get(previousConnection.substring(prefix.length()));
        if (previous == null) {
            return -1;
        }
        connections.release(previous);
        long lastSeq = localRooms.detach(previous);
        previous.sendAndClose(errors.frame(Why.SESSION_TAKEN_OVER, null), TAKEN_OVER);
        return lastSeq;
    }

    /**
     * A session this node serves was resumed on another node (or by another connection here): its connection here is
     * stale, half-open perhaps, and is closed as taken over. A write from before this connection's own attachment,
     * heard late, changes nothing.
     */
    private void sessionWritten(Session session) {
        Connection local = connections.forSession(session.id());
        if (local != null && session.attachments() > local.attachment()) {
            takeOver(local.reference());
        }
    }
}

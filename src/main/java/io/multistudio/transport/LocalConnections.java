package io.multistudio.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

/** The connections open on this node, by connection id and by the session they carry. */
@Singleton
public class LocalConnections {

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Connection> bySession = new ConcurrentHashMap<>();

    public List<Connection> all() {
        return List.copyOf(byId.values());
    }

    public int count() {
        return byId.size();
    }

    /** The sessions carried by connections open here: bound by {@code HELLO}, not yet released nor lost. */
    public int sessions() {
        return bySession.size();
    }

    public void add(Connection connection) {
        byId.put(connection.id(), connection);
    }

    public Connection get(String connectionId) {
        return byId.get(connectionId);
    }

    /** Forgets {@code connection}; {@code false} if it was already forgotten. */
    public boolean remove(Connection connection) {
        if (!byId.remove(connection.id(), connection)) {
            return false;
        }
        String sessionId = connection.sessionId();
        if (sessionId != null) {
            bySession.remove(sessionId, connection);
        }
        return true;
    }

    /**
     * {@code connection} gives its session up (bye, take-over, drain) while it stays open until its close: it no longer
     * answers for that session here, and nothing here keeps it once it is closed.
     *
     * @return the session it carried, {@code null} if none
     */
    public String release(Connection connection) {
        String sessionId = connection.release();
        if (sessionId != null) {
            bySession.remove(sessionId, connection);
        }
        return sessionId;
    }

    public void bind(String sessionId, Connection connection) {
        bySession.put(sessionId, connection);
    }

    public Connection forSession(String sessionId) {
        return bySession.get(sessionId);
    }
}

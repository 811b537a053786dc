package io.multistudio.ws;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

/** The connections open on this node, by connection id and by the session they carry. */
@Singleton
class LocalConnections {

    private final Map<String, ClientConnection> byId = new ConcurrentHashMap<>();
    private final Map<String, ClientConnection> bySession = new ConcurrentHashMap<>();

    List<ClientConnection> all() {
        return List.copyOf(byId.values());
    }

    int count() {
        return byId.size();
    }

    void add(ClientConnection connection) {
        byId.put(connection.id(), connection);
    }

    ClientConnection get(String connectionId) {
        return byId.get(connectionId);
    }

    /** Forgets {@code connection}; {@code false} if it was already forgotten. */
    boolean remove(ClientConnection connection) {
        if (!byId.remove(connection.id(), connection)) {
            return false;
        }
        String sessionId = connection.sessionId();
        if (sessionId != null) {
            bySession.remove(sessionId, connection);
        }
        return true;
    }

    void bind(String sessionId, ClientConnection connection) {
        bySession.put(sessionId, connection);
    }

    ClientConnection forSession(String sessionId) {
        return bySession.get(sessionId);
    }
}

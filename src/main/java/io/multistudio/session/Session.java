package io.multistudio.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.ServerMessage;

/**
 * A user's session as the engine stores it, shared by every node.
 *
 * @param id the user id, stable for the life of the session
 * @param tokenHash hash of the secret of the one reconnect token that is currently valid
 * @param connection the connection the session is attached to ({@code node/connection}), {@code null} while in grace
 */
public record Session(String id, String name, ObjectNode data, String tokenHash, String connection) {

    public boolean connected() {
        return connection != null;
    }

    public ServerMessage.User user() {
        return new ServerMessage.User(id, name, data);
    }

    Session attachedTo(String newConnection, String newTokenHash) {
        return new Session(id, name, data, newTokenHash, newConnection);
    }

    Session detached() {
        return new Session(id, name, data, tokenHash, null);
    }
}

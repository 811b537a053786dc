package io.multistudio.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.ServerMessage;

/**
 * A user's session as the engine stores it, shared by every node.
 *
 * @param id the user id, stable for the life of the session
 * @param tokenHash hash of the secret of the one reconnect token that is currently valid
 * @param connection the connection the session is attached to ({@code node/connection}), {@code null} while in grace
 * @param room the room the user is in, {@code null} if none
 * @param lastSeq the last room event handed to the connection, recorded when it was lost, for a resume that names none
 * @param attachments how many connections the session has been attached to, so that a node hearing late of an older
 *        write can tell it is older than the connection it serves
 */
public record Session(String id, String name, ObjectNode data, String tokenHash, String connection, String room,
        long lastSeq, long attachments) {

    public boolean connected() {
        return connection != null;
    }

    /** The node whose connection the session is attached to, {@code null} while in grace. */
    public String node() {
        return connection == null ? null : connection.substring(0, connection.indexOf('/'));
    }

    public ServerMessage.User user() {
        return new ServerMessage.User(id, name, data);
    }

    public ServerMessage.Member member() {
        return new ServerMessage.Member(id, name, data, connected());
    }

    Session attachedTo(String newConnection, String newTokenHash) {
        return new Session(id, name, data, newTokenHash, newConnection, room, lastSeq, attachments + 1);
    }

    Session detached(long lastHandedSeq) {
        return new Session(id, name, data, tokenHash, null, room, lastHandedSeq, attachments);
    }

    Session inRoom(String newRoom) {
        return new Session(id, name, data, tokenHash, connection, newRoom, 0, attachments);
    }

    Session withData(ObjectNode newData) {
        return new Session(id, name, newData, tokenHash, connection, room, lastSeq, attachments);
    }
}

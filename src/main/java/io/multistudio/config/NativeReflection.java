package io.multistudio.config;

import io.multistudio.cluster.NodeRegistry;
import io.multistudio.keys.KeyBook;
import io.multistudio.keys.Remembered;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.Room;
import io.multistudio.room.RoomEvent;
import io.multistudio.session.Session;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records Jackson reads or writes by reflection, and the framework classes read by reflection. A native image
 * keeps only the constructors and accessors that are registered, and Quarkus cannot see these as Jackson types
 * because they pass through {@code Codec.write(Object)} and the engines' {@code map(name, type, ...)} as plain
 * {@code Object} and {@code Class} values.
 */
@RegisterForReflection(targets = {
        // Written to clients.
        ServerMessage.User.class,
        ServerMessage.Member.class,
        ServerMessage.MultiRoom.class,
        ServerMessage.JoinedRoom.class,
        ServerMessage.LeftRoom.class,
        ServerMessage.RoomList.class,
        ServerMessage.UserJoined.class,
        ServerMessage.UserLeft.class,
        ServerMessage.Presence.class,
        ServerMessage.UserUpdated.class,
        ServerMessage.RoomUpdated.class,
        ServerMessage.Message.class,
        ServerMessage.History.class,
        ServerMessage.Hello.class,
        ServerMessage.Pong.class,
        ServerMessage.Bye.class,
        ServerMessage.Error.class,
        // Stored in the engine as JSON and read back.
        Session.class,
        Room.class,
        Room.RoomMember.class,
        RoomEvent.class,
        KeyBook.class,
        Remembered.class,
        NodeRegistry.NodeLease.class
}, classNames = {
        // The Netty channel under a connection is reached by reflection (see ws.WebSocketWire).
        "io.quarkus.websockets.next.runtime.WebSocketConnectionImpl",
        "io.vertx.ext.web.impl.ServerWebSocketWrapper"
})
public final class NativeReflection {

    private NativeReflection() {
    }
}

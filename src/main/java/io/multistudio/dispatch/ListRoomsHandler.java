package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.RoomRequests;
import io.multistudio.room.Rooms;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code LIST_ROOMS}: the listed rooms, oldest first, without their data. */
@Singleton
class ListRoomsHandler implements RequestHandler {

    private final Rooms rooms;
    private final Codec codec;

    ListRoomsHandler(Rooms rooms, Codec codec) {
        this.rooms = rooms;
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.LIST_ROOMS;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return rooms.list(RoomRequests.listLimit(request))
                .invoke(list -> connection.send(codec.write(new ServerMessage.RoomList(request.rid(), list))))
                .replaceWith((String) null);
    }
}

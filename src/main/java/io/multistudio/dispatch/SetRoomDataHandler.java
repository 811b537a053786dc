package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Request;
import io.multistudio.room.RoomEvent;
import io.multistudio.room.RoomRequests;
import io.multistudio.room.Rooms;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code SET_ROOM_DATA}: a merge patch of the room's shared data. */
@Singleton
class SetRoomDataHandler implements RequestHandler {

    private final Rooms rooms;

    SetRoomDataHandler(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.SET_ROOM_DATA;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return RequestHandler.inRoom(connection, room -> rooms.setRoomData(RequestHandler.actor(connection, request),
                room, RoomRequests.patch(request)).map(RoomEvent::text));
    }
}

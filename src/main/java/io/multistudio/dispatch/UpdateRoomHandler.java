package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Request;
import io.multistudio.room.RoomEvent;
import io.multistudio.room.RoomRequests;
import io.multistudio.room.Rooms;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code UPDATE_ROOM}: the owner changes the room's settings. */
@Singleton
class UpdateRoomHandler implements RequestHandler {

    private final Rooms rooms;
    private final MultiStudioConfig config;

    UpdateRoomHandler(Rooms rooms, MultiStudioConfig config) {
        this.rooms = rooms;
        this.config = config;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.UPDATE_ROOM;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return RequestHandler.inRoom(connection, room -> rooms.update(RequestHandler.actor(connection, request), room,
                RoomRequests.update(request, config.maxRoomCapacity())).map(RoomEvent::text));
    }
}

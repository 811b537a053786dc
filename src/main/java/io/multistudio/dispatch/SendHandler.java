package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Request;
import io.multistudio.room.RoomEvent;
import io.multistudio.room.RoomRequests;
import io.multistudio.room.Rooms;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code SEND}: a message to the requester's room, or to one member of it. */
@Singleton
class SendHandler implements RequestHandler {

    private final Rooms rooms;

    SendHandler(Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.SEND;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return RequestHandler.inRoom(connection,
                room -> rooms.send(RequestHandler.actor(connection, request), room, RoomRequests.send(request))
                        .map(RoomEvent::text));
    }
}

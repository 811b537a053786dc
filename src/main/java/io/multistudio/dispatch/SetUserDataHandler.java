package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.room.RoomRequests;
import io.multistudio.room.Rooms;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code SET_USER_DATA}: a merge patch of the user's data; the room tells everyone, or outside a room the requester alone is answered. */
@Singleton
class SetUserDataHandler implements RequestHandler {

    private final Rooms rooms;
    private final Codec codec;

    SetUserDataHandler(Rooms rooms, Codec codec) {
        this.rooms = rooms;
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.SET_USER_DATA;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return rooms.setUserData(RequestHandler.actor(connection, request), RoomRequests.patch(request))
                .map(answer -> {
                    if (!answer.delivered()) {
                        connection.send(codec.withRid(answer.text(), request.rid()));
                    }
                    return answer.text();
                });
    }
}

package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.Membership;
import io.multistudio.room.RoomEvent;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code LEAVE_ROOM}: the requester leaves its room with reason {@code left}. */
@Singleton
class LeaveRoomHandler implements RequestHandler {

    private final Membership membership;
    private final Codec codec;

    LeaveRoomHandler(Membership membership, Codec codec) {
        this.membership = membership;
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.LEAVE_ROOM;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return RequestHandler.inRoom(connection,
                room -> membership.leave(RequestHandler.actor(connection, request), room, "left")
                        .replaceWith(codec.write(new ServerMessage.LeftRoom(null, room, "left"))));
    }

    @Override
    public String recalled(RoomEvent event) {
        return codec.write(new ServerMessage.LeftRoom(null, event.room(), "left"));
    }
}

package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Request;
import io.multistudio.room.Membership;
import io.multistudio.room.RoomRequests;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code JOIN_ROOM}: the requester joins an existing room and enters it. */
@Singleton
class JoinRoomHandler implements RequestHandler {

    private final Membership membership;
    private final RoomEntry entry;

    JoinRoomHandler(Membership membership, RoomEntry entry) {
        this.membership = membership;
        this.entry = entry;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.JOIN_ROOM;
    }

    @Override
    public Uni<Void> handle(Connection connection, Request request) {
        return membership.join(RequestHandler.actor(connection, request), RoomRequests.join(request))
                .flatMap(entered -> entry.enter(connection, entered, request.rid()));
    }
}

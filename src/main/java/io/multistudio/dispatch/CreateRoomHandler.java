package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Request;
import io.multistudio.room.Membership;
import io.multistudio.room.RoomRequests;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code CREATE_ROOM}: a new room with the requester as owner and only member, entered at once. */
@Singleton
class CreateRoomHandler implements RequestHandler {

    private final Membership membership;
    private final RoomEntry entry;
    private final MultiStudioConfig config;

    CreateRoomHandler(Membership membership, RoomEntry entry, MultiStudioConfig config) {
        this.membership = membership;
        this.entry = entry;
        this.config = config;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.CREATE_ROOM;
    }

    @Override
    public Uni<Void> handle(Connection connection, Request request) {
        return membership.create(RequestHandler.actor(connection, request),
                RoomRequests.create(request, config.maxRoomCapacity()))
                .flatMap(entered -> entry.enter(connection, entered, request.rid()));
    }
}

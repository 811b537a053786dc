package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.backend.AuthorizeHook;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Request;
import io.multistudio.room.Membership;
import io.multistudio.room.RoomRequests;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/**
 * {@code CREATE_ROOM}: a new room with the requester as owner and only member, entered at once, if the backend's
 * authorization hook allows it.
 */
@Singleton
class CreateRoomHandler implements RequestHandler {

    private final Membership membership;
    private final RoomEntry entry;
    private final MultiStudioConfig config;
    private final AuthorizeHook hook;

    CreateRoomHandler(Membership membership, RoomEntry entry, MultiStudioConfig config, AuthorizeHook hook) {
        this.hook = hook;
        this.membership = membership;
        this.entry = entry;
        this.config = config;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.CREATE_ROOM;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        RoomRequests.Create create = RoomRequests.create(request, config.maxRoomCapacity());
        return hook.authorize(AuthorizeHook.CREATE_ROOM, connection.sessionId(), connection.subject(), create.room())
                .flatMap(allowed -> membership.create(RequestHandler.actor(connection, request), create))
                .flatMap(entered -> entry.enter(connection, entered, request.rid(), 0));
    }
}

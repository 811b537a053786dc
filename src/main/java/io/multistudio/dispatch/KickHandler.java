package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Request;
import io.multistudio.room.Membership;
import io.multistudio.room.RoomRequests;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code KICK}: the owner removes a member, who leaves with reason {@code kicked}. */
@Singleton
class KickHandler implements RequestHandler {

    private final Membership membership;

    KickHandler(Membership membership) {
        this.membership = membership;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.KICK;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return RequestHandler.inRoom(connection, room -> membership.kick(RequestHandler.actor(connection, request),
                room, RoomRequests.kickTarget(request)).map(event -> event == null ? null : event.text()));
    }
}

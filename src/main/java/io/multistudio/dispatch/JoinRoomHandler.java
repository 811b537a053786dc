package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.backend.AuthorizeHook;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Why;
import io.multistudio.room.Actor;
import io.multistudio.room.Entered;
import io.multistudio.room.RoomEvent;
import io.multistudio.room.Membership;
import io.multistudio.room.RoomRequests;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code JOIN_ROOM}: the requester joins an existing room and enters it, if the backend's authorization hook allows it. */
@Singleton
class JoinRoomHandler implements RequestHandler {

    private final Membership membership;
    private final RoomEntry entry;
    private final AuthorizeHook hook;

    JoinRoomHandler(Membership membership, RoomEntry entry, AuthorizeHook hook) {
        this.hook = hook;
        this.membership = membership;
        this.entry = entry;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.JOIN_ROOM;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        RoomRequests.Join join = RoomRequests.join(request);
        Actor actor = RequestHandler.actor(connection, request);
        // Without a hook there is nothing to wait for: two Uni stages less on every join.
        Uni<Entered> entered = hook.enabled()
                ? hook.authorize(AuthorizeHook.JOIN_ROOM, connection.sessionId(), connection.subject(), join.room())
                        .flatMap(allowed -> membership.join(actor, join))
                : membership.join(actor, join);
        return entered.flatMap(in -> entry.enter(connection, in, request.rid(), join.history()));
    }

    /**
     * The session joined and is in the room again after its resume, which sent it {@code JOINED_ROOM}: a second one
     * would be a second entry, so the resend is told what executing it again would tell it.
     */
    @Override
    public String recalled(RoomEvent event) {
        throw new ProtocolException(Why.ALREADY_IN_ROOM);
    }
}

package io.multistudio.dispatch;

import io.multistudio.keys.Effect;
import io.multistudio.protocol.Request;
import io.multistudio.room.MarkedEvents;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/**
 * A request run by its handler under its key (PROTOCOL.md §2.7a). Whether a lost execution took effect is looked for
 * in the room the requester is in now: every request that changes a room is made by a member of it, and a resumed
 * session is back in its room. A request that leaves no room event (a {@code CREATE_ROOM}, a {@code SET_USER_DATA}
 * outside a room) is not looked for: executing it again is harmless (see docs/protocol.md).
 */
record KeyedEffect(Connection connection, Request request, RequestHandler handler, MarkedEvents marked)
        implements Effect {

    @Override
    public Uni<String> execute(String mark) {
        return handler.handle(connection, mark == null ? request : request.marked(mark));
    }

    @Override
    public Uni<String> recall(String mark, long since) {
        String room = connection.room();
        return room == null ? Uni.createFrom().nullItem()
                : marked.find(room, mark, since).map(event -> event == null ? null : handler.recalled(event));
    }
}

package io.multistudio.dispatch;

import java.util.function.Function;

import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Why;
import io.multistudio.room.Actor;
import io.multistudio.room.RoomEvent;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/**
 * Handles one kind of request. The {@link Dispatcher} calls it only in a state that allows the request, and turns its
 * failure, thrown or as a failed {@link Uni}, into the request's error.
 */
interface RequestHandler {

    Request.RequestKind kind();

    /**
     * Executes the request and sends its direct answer.
     *
     * @return that answer without {@code rid}, as a repeat of the request's key gets it (PROTOCOL.md §2.7a);
     *         {@code null} if there is nothing to remember
     */
    Uni<String> handle(Connection connection, Request request);

    /**
     * The direct answer without {@code rid} of an execution of this kind of request that took effect and whose
     * answer was lost, from the first event it committed (PROTOCOL.md §2.7a): that event, for most kinds.
     */
    default String recalled(RoomEvent event) {
        return event.text();
    }

    /** The requester as the room sees it. */
    static Actor actor(Connection connection, Request request) {
        return new Actor(connection.sessionId(), connection.reference(), request.rid(), request.mark());
    }

    /** Requests that only make sense inside a room: outside one they get {@code NOT_IN_ROOM}. */
    static Uni<String> inRoom(Connection connection, Function<String, Uni<String>> action) {
        String room = connection.room();
        return room == null ? fail(Why.NOT_IN_ROOM) : action.apply(room);
    }

    static <T> Uni<T> fail(Why why) {
        return Uni.createFrom().failure(new ProtocolException(why));
    }
}

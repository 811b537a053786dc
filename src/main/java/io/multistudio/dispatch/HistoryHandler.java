package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.util.RawValue;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.RoomHistory;
import io.multistudio.room.RoomRequests;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code HISTORY}: a page of the requester's room's past, as the requester would have received it live. */
@Singleton
class HistoryHandler implements RequestHandler {

    private final RoomHistory history;
    private final Codec codec;

    HistoryHandler(RoomHistory history, Codec codec) {
        this.history = history;
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.HISTORY;
    }

    /** A read: its answer is not remembered, a repeat of its key is answered afresh. */
    @Override
    public Uni<String> handle(Connection connection, Request request) {
        return RequestHandler.inRoom(connection, room -> {
            RoomRequests.History asked = RoomRequests.history(request);
            return history.page(room, asked.before(), asked.limit(), connection.sessionId())
                    .invoke(page -> connection.send(codec.write(new ServerMessage.History(request.rid(), room,
                            page.events().stream().map(event -> new RawValue(event.text())).toList(), page.more()))))
                    .replaceWith((String) null);
        });
    }
}

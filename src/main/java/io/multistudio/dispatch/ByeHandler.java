package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.transport.Connection;
import io.multistudio.transport.LocalConnections;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;

/** {@code BYE}: the session ends for good, the answer goes out, and the connection closes with 1000. */
@Singleton
class ByeHandler implements RequestHandler {

    private final Departure departure;
    private final LocalConnections connections;
    private final Codec codec;

    ByeHandler(Departure departure, LocalConnections connections, Codec codec) {
        this.departure = departure;
        this.connections = connections;
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.BYE;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        String sessionId = connections.release(connection);
        return departure.end(connection, sessionId).invoke(() -> connection
                .sendAndClose(codec.write(new ServerMessage.Bye(request.rid())), CloseReason.NORMAL))
                .replaceWith((String) null);
    }
}

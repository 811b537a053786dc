package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.transport.Connection;
import io.quarkus.websockets.next.CloseReason;
import io.smallrye.mutiny.Uni;

/** {@code BYE}: the session ends for good, the answer goes out, and the connection closes with 1000. */
@Singleton
class ByeHandler implements RequestHandler {

    private final SessionLifecycle lifecycle;
    private final Codec codec;

    ByeHandler(SessionLifecycle lifecycle, Codec codec) {
        this.lifecycle = lifecycle;
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.BYE;
    }

    @Override
    public Uni<Void> handle(Connection connection, Request request) {
        String sessionId = connection.release();
        return lifecycle.end(connection, sessionId).invoke(() -> connection
                .sendAndClose(codec.write(new ServerMessage.Bye(request.rid())), CloseReason.NORMAL));
    }
}

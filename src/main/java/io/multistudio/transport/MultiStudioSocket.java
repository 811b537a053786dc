package io.multistudio.transport;

import io.multistudio.dispatch.ProtocolHandler;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/** The MultiStudio Protocol endpoint. Messages of one connection are handled one at a time, in order. */
@WebSocket(path = "/ws")
public class MultiStudioSocket {

    private final ProtocolHandler handler;

    MultiStudioSocket(ProtocolHandler handler) {
        this.handler = handler;
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection connection) {
        return handler.opened(connection);
    }

    @OnTextMessage
    Uni<Void> text(WebSocketConnection connection, String message) {
        return handler.text(connection, message);
    }

    @OnBinaryMessage
    Uni<Void> binary(WebSocketConnection connection, Buffer message) {
        return handler.binary(connection);
    }

    @OnClose
    Uni<Void> close(WebSocketConnection connection, CloseReason reason) {
        return handler.closed(connection, reason);
    }

    @OnError
    Uni<Void> error(WebSocketConnection connection, Throwable failure) {
        return handler.failed(connection, failure);
    }
}

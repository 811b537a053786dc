package io.multistudio.transport;

import io.multistudio.dispatch.Dispatcher;
import io.multistudio.dispatch.SessionLifecycle;
import io.multistudio.observability.ServerMetrics;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The MultiStudio Protocol endpoint: a frame passes {@link Admission}, then the {@link Dispatcher}; opening and
 * closing are the {@link SessionLifecycle}'s. websockets-next calls it for each message as it arrives (concurrent
 * mode); the connection's {@link Inbound} handles them one at a time, in order, with the close after them, and stops
 * reading the socket while too many wait.
 */
@WebSocket(path = MultiStudioSocket.PATH, inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class MultiStudioSocket {

    /** Where clients open their connection. */
    static final String PATH = "/ws";
    /** What every callback returns: the work it starts is the connection's {@link Inbound}'s to order. */
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final LocalConnections connections;
    private final Admission admission;
    private final Dispatcher dispatcher;
    private final SessionLifecycle lifecycle;
    private final ServerMetrics metrics;

    MultiStudioSocket(LocalConnections connections, Admission admission, Dispatcher dispatcher,
            SessionLifecycle lifecycle, ServerMetrics metrics) {
        this.connections = connections;
        this.admission = admission;
        this.dispatcher = dispatcher;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    @OnOpen
    Uni<Void> open(WebSocketConnection socket) {
        return lifecycle.opened(socket);
    }

    @OnTextMessage
    Uni<Void> text(WebSocketConnection socket, String message) {
        Connection connection = connections.get(socket.id());
        if (connection != null) {
            connection.heard();
            metrics.messageIn();
            Inbound inbound = connection.inbound();
            inbound.inOrder(() -> (admission.text(connection, message) ? dispatcher.dispatch(connection, message)
                    : DONE).onTermination().invoke(inbound::handled));
        }
        return DONE;
    }

    @OnBinaryMessage
    Uni<Void> binary(WebSocketConnection socket, Buffer message) {
        Connection connection = connections.get(socket.id());
        if (connection != null) {
            connection.heard();
            metrics.messageIn();
            connection.inbound().inOrder(() -> {
                admission.binary(connection);
                connection.inbound().handled();
                return DONE;
            });
        }
        return DONE;
    }

    /**
     * The answer to the {@link Heartbeat}'s ping. Non-blocking: websockets-next runs a {@code void} callback on a worker
     * thread, so every pong (one per connection per heartbeat) would cross to the worker pool and grow it.
     */
    @OnPongMessage
    @NonBlocking
    void pong(WebSocketConnection socket, Buffer data) {
        Connection connection = connections.get(socket.id());
        if (connection != null) {
            connection.heard();
        }
    }

    /** A client close with 1000 ends the session like {@code BYE}; any other loss keeps it for the reconnect grace. */
    @OnClose
    Uni<Void> close(WebSocketConnection socket, CloseReason reason) {
        Connection connection = connections.get(socket.id());
        if (connection != null) {
            // After the messages that came before it: a HELLO still being handled then finds the connection gone.
            connection.inbound().inOrder(() -> lifecycle.lost(connection, reason));
        }
        return DONE;
    }

    @OnError
    Uni<Void> error(WebSocketConnection socket, Throwable failure) {
        admission.failed(connections.get(socket.id()), socket.id(), failure);
        return DONE;
    }
}

package io.multistudio.ws;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.cluster.Node;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.RequestException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Why;
import io.multistudio.session.HelloRequest;
import io.multistudio.session.SessionService;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Drives each connection through the protocol: envelope checks, the {@code HELLO} handshake, requests, and what
 * a closed connection means for its session. Every failure of a request becomes its protocol error here.
 */
@Singleton
class ProtocolHandler {

    private static final Logger LOG = Logger.getLogger(ProtocolHandler.class);
    private static final CloseReason HELLO_TIMED_OUT = new CloseReason(1008, "hello timeout");
    private static final CloseReason TOO_LARGE = new CloseReason(1009, "message too large");
    private static final CloseReason SERVER_FULL = new CloseReason(1013, "server full");
    private static final CloseReason TAKEN_OVER = new CloseReason(4000, "session taken over");
    private static final int CLIENT_NORMAL_CLOSE = 1000;

    private final LocalConnections connections;
    private final SessionService sessions;
    private final Codec codec;
    private final MultiStudioConfig config;
    private final Vertx vertx;
    private final Node node;

    ProtocolHandler(LocalConnections connections, SessionService sessions, Codec codec, MultiStudioConfig config,
            Vertx vertx, Node node) {
        this.connections = connections;
        this.sessions = sessions;
        this.codec = codec;
        this.config = config;
        this.vertx = vertx;
        this.node = node;
    }

    Uni<Void> opened(WebSocketConnection socket) {
        ClientConnection connection = new ClientConnection(socket, node.id(), config.outboundBuffer());
        if (connections.count() >= config.maxConnections()) {
            connection.sendAndClose(error(Why.SERVER_FULL, null), SERVER_FULL);
            return Uni.createFrom().voidItem();
        }
        connections.add(connection);
        connection.helloTimer(vertx.setTimer(config.helloTimeout().toMillis(), timer -> helloTimedOut(connection)));
        return Uni.createFrom().voidItem();
    }

    Uni<Void> text(WebSocketConnection socket, String text) {
        ClientConnection connection = connections.get(socket.id());
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        if (tooLarge(text)) {
            connection.sendAndClose(error(Why.MESSAGE_TOO_LARGE, null), TOO_LARGE);
            return Uni.createFrom().voidItem();
        }
        Request request;
        try {
            request = codec.parse(text);
        } catch (ProtocolException failure) {
            connection.send(codec.write(ServerMessage.Error.of(failure, null)));
            return Uni.createFrom().voidItem();
        } catch (RequestException failure) {
            connection.send(codec.write(ServerMessage.Error.of(failure.failure(), failure.rid())));
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().deferred(() -> handle(connection, request))
                .onFailure().recoverWithItem(failure -> {
                    connection.send(errorFor(failure, request.rid()));
                    return null;
                });
    }

    Uni<Void> binary(WebSocketConnection socket) {
        ClientConnection connection = connections.get(socket.id());
        if (connection != null) {
            connection.send(error(Why.BINARY_FRAME, null));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * A client close with 1000 ends the session like {@code BYE}; any other loss keeps it for the reconnect grace.
     */
    Uni<Void> closed(WebSocketConnection socket, CloseReason reason) {
        ClientConnection connection = connections.get(socket.id());
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        connections.remove(connection);
        connection.closed();
        vertx.cancelTimer(connection.helloTimer());
        String sessionId = connection.sessionId();
        if (sessionId == null) {
            return Uni.createFrom().voidItem();
        }
        return reason != null && reason.getCode() == CLIENT_NORMAL_CLOSE
                ? sessions.end(sessionId, connection.reference())
                : sessions.detach(sessionId, connection.reference());
    }

    /**
     * A frame over the transport's own ceiling never reaches {@link #text}: the WebSocket layer fails it, and the
     * client still gets the protocol's answer for it.
     */
    Uni<Void> failed(WebSocketConnection socket, Throwable failure) {
        ClientConnection connection = connections.get(socket.id());
        if (connection != null && overTransportCeiling(failure)) {
            connection.sendAndClose(error(Why.MESSAGE_TOO_LARGE, null), TOO_LARGE);
        } else {
            LOG.debugf(failure, "Connection %s failed", socket.id());
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * Netty rejects a single frame over the ceiling; Vert.x rejects a fragmented message over it with a plain
     * {@link IllegalStateException} that only its text tells apart.
     */
    private static boolean overTransportCeiling(Throwable failure) {
        if (failure instanceof CorruptedWebSocketFrameException corrupted) {
            return corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG);
        }
        return failure instanceof IllegalStateException && failure.getMessage() != null
                && failure.getMessage().contains("max message size");
    }

    private Uni<Void> handle(ClientConnection connection, Request request) {
        boolean helloDone = connection.sessionId() != null;
        return switch (request.kind()) {
            case HELLO -> helloDone ? fail(Why.HELLO_ALREADY_DONE) : hello(connection, request);
            default -> helloDone ? established(connection, request) : fail(Why.HELLO_REQUIRED);
        };
    }

    private Uni<Void> established(ClientConnection connection, Request request) {
        return switch (request.kind()) {
            case PING -> reply(connection, new ServerMessage.Pong(request.rid(), System.currentTimeMillis()));
            case BYE -> bye(connection, request);
            default -> fail(Why.KIND_UNKNOWN);
        };
    }

    private Uni<Void> hello(ClientConnection connection, Request request) {
        HelloRequest hello = HelloRequest.from(request, codec);
        return sessions.open(connection.reference(), hello).map(opened -> {
            vertx.cancelTimer(connection.helloTimer());
            connection.sessionId(opened.session().id());
            connections.bind(opened.session().id(), connection);
            takeOver(opened.previousConnection());
            connection.send(codec.write(new ServerMessage.Hello(request.rid(), opened.session().user(),
                    opened.reconnected(), opened.token())));
            return null;
        });
    }

    private Uni<Void> bye(ClientConnection connection, Request request) {
        String sessionId = connection.sessionId();
        connection.sessionId(null);
        return sessions.end(sessionId, connection.reference()).invoke(() -> connection
                .sendAndClose(codec.write(new ServerMessage.Bye(request.rid())), CloseReason.NORMAL));
    }

    /** The connection a resumed session was still attached to is told and closed. */
    private void takeOver(String previousConnection) {
        String prefix = node.id() + "/";
        if (previousConnection == null || !previousConnection.startsWith(prefix)) {
            return;
        }
        ClientConnection previous = connections.get(previousConnection.substring(prefix.length()));
        if (previous != null) {
            previous.sessionId(null);
            previous.sendAndClose(error(Why.SESSION_TAKEN_OVER, null), TAKEN_OVER);
        }
    }

    private void helloTimedOut(ClientConnection connection) {
        if (connection.sessionId() == null) {
            connection.sendAndClose(error(Why.HELLO_TIMEOUT, null), HELLO_TIMED_OUT);
        }
    }

    private boolean tooLarge(String text) {
        int limit = config.maxMessageSize();
        // A UTF-8 character takes at most 3 bytes per UTF-16 unit, so most frames need no exact count.
        return text.length() * 3L > limit && text.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    private Uni<Void> reply(ClientConnection connection, ServerMessage message) {
        connection.send(codec.write(message));
        return Uni.createFrom().voidItem();
    }

    private String error(Why why, String rid) {
        return codec.write(ServerMessage.Error.of(why, rid));
    }

    private String errorFor(Throwable failure, String rid) {
        if (failure instanceof ProtocolException protocolFailure) {
            return codec.write(ServerMessage.Error.of(protocolFailure, rid));
        }
        LOG.errorf(failure, "Request failed");
        return error(Why.INTERNAL, rid);
    }

    private static Uni<Void> fail(Why why) {
        return Uni.createFrom().failure(new ProtocolException(why));
    }
}

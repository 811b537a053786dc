package io.multistudio.ws;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.event.Observes;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.auth.Authenticator;
import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.monitor.NodeStats;
import io.multistudio.observability.ServerMetrics;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.RequestException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Why;
import io.multistudio.room.RoomRequests;
import io.multistudio.room.RoomService;
import io.multistudio.session.HelloRequest;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Drives each connection through the protocol: envelope checks, the {@code HELLO} handshake, requests, and what
 * a closed connection means for its session. Every failure of a request becomes its protocol error here.
 */
@Startup
@Singleton
class ProtocolHandler {

    private static final Logger LOG = Logger.getLogger(ProtocolHandler.class);
    private static final CloseReason HELLO_TIMED_OUT = new CloseReason(1008, "hello timeout");
    private static final CloseReason ABUSE = new CloseReason(1008, "rate limit abuse");
    private static final CloseReason TOO_LARGE = new CloseReason(1009, "message too large");
    private static final CloseReason SERVER_FULL = new CloseReason(1013, "server full");
    private static final CloseReason TAKEN_OVER = new CloseReason(4000, "session taken over");
    private static final CloseReason RESTARTING = new CloseReason(1012, "service restart");
    private static final int CLIENT_NORMAL_CLOSE = 1000;

    private final LocalConnections connections;
    private final SessionService sessions;
    private final Codec codec;
    private final MultiStudioConfig config;
    private final Vertx vertx;
    private final Node node;
    private final RoomService rooms;
    private final LocalRooms localRooms;
    private final ServerMetrics metrics;
    private final Authenticator authenticator;
    private final Outbounds outbounds;
    private volatile boolean draining;

    ProtocolHandler(LocalConnections connections, SessionService sessions, RoomService rooms, LocalRooms localRooms,
            Codec codec, MultiStudioConfig config, Vertx vertx, Node node, ServerMetrics metrics,
            Authenticator authenticator, NodeRegistry nodes, NodeStats nodeStats, Outbounds outbounds) {
        nodeStats.connections(connections::count);
        nodeStats.rooms(localRooms::count);
        nodes.reportLoad(() -> new NodeRegistry.Load(connections.count(), metrics.messagesIn(), metrics.messagesOut()));
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.outbounds = outbounds;
        this.connections = connections;
        this.sessions = sessions;
        this.rooms = rooms;
        this.localRooms = localRooms;
        this.codec = codec;
        this.config = config;
        this.vertx = vertx;
        this.node = node;
        sessions.onWritten(this::sessionWritten);
        metrics.gauge("multistudio.connections", "Open WebSocket connections on this node", connections::count);
    }

    Uni<Void> opened(WebSocketConnection socket) {
        ClientConnection connection = new ClientConnection(socket.id(), node.id(), outbounds.open(socket),
                new RateLimit(config.rateLimit(), config.rateBurst(), config.abuseLimit(), config.abuseWindow()));
        if (draining) {
            connection.sendAndClose(error(Why.SHUTTING_DOWN, null), RESTARTING);
            return Uni.createFrom().voidItem();
        }
        if (connections.count() >= config.maxConnections()) {
            connection.sendAndClose(error(Why.SERVER_FULL, null), SERVER_FULL);
            return Uni.createFrom().voidItem();
        }
        connections.add(connection);
        // Later, not inside the send that overflowed: that may run in the middle of delivering a room event.
        connection.onCutOff(() -> vertx.runOnContext(later -> lost(connection, Outbound.SLOW_CONSUMER).subscribe()
                .with(ignored -> {
                }, failure -> LOG.warnf("Could not put a slow consumer's session into grace: %s",
                        failure.getMessage()))));
        connection.helloTimer(vertx.setTimer(config.helloTimeout().toMillis(), timer -> helloTimedOut(connection)));
        return Uni.createFrom().voidItem();
    }

    Uni<Void> text(WebSocketConnection socket, String text) {
        ClientConnection connection = connections.get(socket.id());
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        metrics.messageIn();
        if (tooLarge(text)) {
            connection.sendAndClose(error(Why.MESSAGE_TOO_LARGE, null), TOO_LARGE);
            return Uni.createFrom().voidItem();
        }
        if (!admitted(connection, text)) {
            return Uni.createFrom().voidItem();
        }
        Request request;
        try {
            request = codec.parse(text);
        } catch (ProtocolException failure) {
            connection.send(error(failure, null));
            return Uni.createFrom().voidItem();
        } catch (RequestException failure) {
            connection.send(error(failure.failure(), failure.rid()));
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
            metrics.messageIn();
        }
        if (connection != null && admitted(connection, null)) {
            connection.send(error(Why.BINARY_FRAME, null));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * Every frame spends from the connection's budget. A refused one is dropped with {@code SLOW}/{@code RATE_LIMITED}
     * (echoing its {@code rid} when it has a readable one, so clients can fail the right request); a connection that
     * goes on regardless is closed with 1008.
     */
    private boolean admitted(ClientConnection connection, String text) {
        switch (connection.rateLimit().admit()) {
            case ACCEPT:
                return true;
            case CLOSE:
                connection.sendAndClose(error(Why.RATE_LIMITED, null), ABUSE);
                return false;
            default:
                connection.send(error(Why.RATE_LIMITED, text == null ? null : codec.ridOf(text)));
                return false;
        }
    }

    /**
     * A client close with 1000 ends the session like {@code BYE}; any other loss keeps it for the reconnect grace.
     */
    Uni<Void> closed(WebSocketConnection socket, CloseReason reason) {
        ClientConnection connection = connections.get(socket.id());
        return connection == null ? Uni.createFrom().voidItem() : lost(connection, reason);
    }

    /** The connection is gone (closed, or cut off): what that means for its session, once. */
    private Uni<Void> lost(ClientConnection connection, CloseReason reason) {
        if (!connections.remove(connection)) {
            return Uni.createFrom().voidItem();
        }
        connection.closed();
        vertx.cancelTimer(connection.helloTimer());
        String sessionId = connection.sessionId();
        if (sessionId == null) {
            return Uni.createFrom().voidItem();
        }
        return reason != null && reason.getCode() == CLIENT_NORMAL_CLOSE
                ? endSession(connection, sessionId)
                : detachSession(connection, sessionId);
    }

    /** A fresh session of an authenticated user replaced an older one: that one's room membership ends. */
    private Uni<Void> leaveReplacedRoom(Session replaced, ClientConnection connection) {
        return replaced == null || replaced.room() == null ? Uni.createFrom().voidItem()
                : rooms.leave(new RoomService.Actor(replaced.id(), connection.reference(), null), replaced.room(),
                        "left");
    }

    /** The session ends for good: its user leaves its room with reason {@code left}. */
    private Uni<Void> endSession(ClientConnection connection, String sessionId) {
        localRooms.detach(connection);
        return sessions.end(sessionId, connection.reference()).flatMap(ended -> ended == null || ended.room() == null
                ? Uni.createFrom().voidItem()
                : rooms.leave(new RoomService.Actor(ended.id(), connection.reference(), null), ended.room(), "left"));
    }

    /** The session waits out its grace; its room sees the user away. */
    private Uni<Void> detachSession(ClientConnection connection, String sessionId) {
        long lastSeq = localRooms.detach(connection);
        return sessions.detach(sessionId, connection.reference(), Math.max(lastSeq, 0))
                .flatMap(detached -> detached == null ? Uni.createFrom().voidItem() : rooms.away(detached));
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
        if (draining) {
            return fail(Why.SHUTTING_DOWN);
        }
        if (connection.sessionId() != null) {
            return established(connection, request);
        }
        return request.kind() == Request.RequestKind.HELLO ? hello(connection, request) : fail(Why.HELLO_REQUIRED);
    }

    private Uni<Void> established(ClientConnection connection, Request request) {
        RoomService.Actor actor = new RoomService.Actor(connection.sessionId(), connection.reference(), request.rid());
        return switch (request.kind()) {
            case HELLO -> fail(Why.HELLO_ALREADY_DONE);
            case PING -> reply(connection, new ServerMessage.Pong(request.rid(), System.currentTimeMillis()));
            case BYE -> bye(connection, request);
            case CREATE_ROOM -> rooms.create(actor, RoomRequests.create(request, config.maxRoomCapacity()))
                    .flatMap(entered -> enter(connection, entered, request.rid()));
            case JOIN_ROOM -> rooms.join(actor, RoomRequests.join(request))
                    .flatMap(entered -> enter(connection, entered, request.rid()));
            case LIST_ROOMS -> rooms.list(RoomRequests.listLimit(request))
                    .flatMap(list -> reply(connection, new ServerMessage.RoomList(request.rid(), list)));
            case SET_USER_DATA -> rooms.setUserData(actor, RoomRequests.patch(request))
                    .flatMap(answer -> answer == null ? Uni.createFrom().voidItem() : reply(connection, answer));
            case LEAVE_ROOM -> inRoom(connection, room -> rooms.leave(actor, room, "left"));
            case UPDATE_ROOM -> inRoom(connection,
                    room -> rooms.update(actor, room, RoomRequests.update(request, config.maxRoomCapacity())));
            case KICK -> inRoom(connection, room -> rooms.kick(actor, room, RoomRequests.kickTarget(request)));
            case SEND -> inRoom(connection, room -> rooms.send(actor, room, RoomRequests.send(request)));
            case SET_ROOM_DATA -> inRoom(connection,
                    room -> rooms.setRoomData(actor, room, RoomRequests.patch(request)));
        };
    }

    /** Requests that only make sense inside a room: outside one they get {@code NOT_IN_ROOM}. */
    private static Uni<Void> inRoom(ClientConnection connection, Function<String, Uni<Void>> action) {
        String room = connection.room();
        return room == null ? fail(Why.NOT_IN_ROOM) : action.apply(room);
    }

    /** The user entered a room: {@code JOINED_ROOM}, then whatever the room did meanwhile, then live events. */
    private Uni<Void> enter(ClientConnection connection, RoomService.Entered entered, String rid) {
        String welcome = codec.write(new ServerMessage.JoinedRoom(rid, entered.room().view(), entered.members(),
                entered.seq(), false, false));
        LocalRoom.Member member = localRooms.attach(entered.room(), connection, connection.sessionId(), entered.seq());
        return rooms.replay(entered.room().id(), entered.seq(), connection.sessionId())
                .invoke(replay -> member.release(welcome, replay.events(), replay.readTo()))
                .replaceWithVoid();
    }

    /**
     * A resumed user who was in a room gets {@code JOINED_ROOM} with {@code resumed: true}, then every event it
     * missed after {@code lastSeq} from the history, then live events.
     */
    private Uni<Void> reenter(ClientConnection connection, RoomService.Entered entered, long lastSeq, String rid) {
        LocalRoom.Member member = localRooms.attach(entered.room(), connection, connection.sessionId(), lastSeq);
        return rooms.replay(entered.room().id(), lastSeq, connection.sessionId())
                .invoke(replay -> {
                    metrics.resumed(replay.complete() ? "recovered" : "unrecovered");
                    member.release(codec.write(new ServerMessage.JoinedRoom(rid, entered.room().view(),
                            entered.members(), entered.seq(), true, replay.complete())), replay.events(),
                            replay.readTo());
                })
                .replaceWithVoid();
    }

    private Uni<Void> hello(ClientConnection connection, Request request) {
        HelloRequest hello = HelloRequest.from(request, codec);
        Uni<Authenticator.Identity> identity = authenticator.enabled() ? authenticator.verifyHello(hello.auth())
                : Uni.createFrom().nullItem();
        return identity.flatMap(user -> sessions.open(connection.reference(), hello, user)).flatMap(opened -> {
            vertx.cancelTimer(connection.helloTimer());
            Session session = opened.session();
            connection.attached(session.id(), session.attachments());
            connections.bind(session.id(), connection);
            // A store that retried our own write shows it as the previous one: that connection is this one.
            String previous = connection.reference().equals(opened.previousConnection()) ? null
                    : opened.previousConnection();
            long takenOverSeq = takeOver(previous);
            connection.send(codec.write(new ServerMessage.Hello(request.rid(), session.user(), opened.reconnected(),
                    opened.token())));
            if (!opened.reconnected()) {
                return leaveReplacedRoom(opened.replaced(), connection);
            }
            if (session.room() == null) {
                metrics.resumed("outside_room");
                return Uni.createFrom().voidItem();
            }
            long lastSeq = hello.lastSeq() != null ? hello.lastSeq()
                    : takenOverSeq >= 0 ? takenOverSeq : session.lastSeq();
            return rooms.back(session, connection.reference()).flatMap(entered -> entered == null
                    ? Uni.createFrom().voidItem()
                    : reenter(connection, entered, lastSeq, request.rid()));
        });
    }

    private Uni<Void> bye(ClientConnection connection, Request request) {
        String sessionId = connection.sessionId();
        connection.sessionId(null);
        return endSession(connection, sessionId).invoke(() -> connection
                .sendAndClose(codec.write(new ServerMessage.Bye(request.rid())), CloseReason.NORMAL));
    }

    /**
     * A session this node serves was resumed on another node (or by another connection here): its connection here is
     * stale, half-open perhaps, and is closed as taken over. A write from before this connection's own attachment,
     * heard late, changes nothing.
     */
    private void sessionWritten(Session session) {
        ClientConnection local = connections.forSession(session.id());
        if (local != null && session.attachments() > local.attachment()) {
            takeOver(local.reference());
        }
    }

    /**
     * Graceful shutdown: every session here is put into its grace first, so that no event is lost and any node can
     * resume it, then every connection is closed with 1012 so that clients reconnect elsewhere at once. It runs when
     * the shutdown delay starts (readiness already down), before the HTTP server closes the sockets itself.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent shutdown) {
        draining = true;
        List<ClientConnection> open = connections.all();
        LOG.infof("Draining %d connections", open.size());
        Uni.join().all(open.stream().map(this::drainOne).toList()).andCollectFailures()
                .onFailure().invoke(failure -> LOG.warnf("Some sessions could not be put into grace: %s", failure))
                .onFailure().recoverWithNull()
                .await().atMost(config.storeTimeout().multipliedBy(2));
    }

    private Uni<Void> drainOne(ClientConnection connection) {
        String sessionId = connection.sessionId();
        connection.sessionId(null);
        Uni<Void> detached = sessionId == null ? Uni.createFrom().voidItem() : detachSession(connection, sessionId);
        return detached.onTermination().invoke(() -> connection.close(RESTARTING));
    }

    /**
     * The connection a resumed session was still attached to is told and closed.
     *
     * @return the last room seq that connection was handed, -1 if unknown here
     */
    private long takeOver(String previousConnection) {
        String prefix = node.id() + "/";
        if (previousConnection == null || !previousConnection.startsWith(prefix)) {
            return -1;
        }
        ClientConnection previous = connections.get(previousConnection.substring(prefix.length()));
        if (previous == null) {
            return -1;
        }
        previous.sessionId(null);
        long lastSeq = localRooms.detach(previous);
        previous.sendAndClose(error(Why.SESSION_TAKEN_OVER, null), TAKEN_OVER);
        return lastSeq;
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
        metrics.error(why);
        return codec.write(ServerMessage.Error.of(why, rid));
    }

    private String error(ProtocolException failure, String rid) {
        metrics.error(failure.why());
        return codec.write(ServerMessage.Error.of(failure, rid));
    }

    private String errorFor(Throwable failure, String rid) {
        if (failure instanceof ProtocolException protocolFailure) {
            return error(protocolFailure, rid);
        }
        if (failure instanceof StoreUnavailableException) {
            LOG.warnf("Request failed, store unavailable: %s", failure.getMessage());
            return error(Why.STORE_UNAVAILABLE, rid);
        }
        LOG.errorf(failure, "Request failed");
        return error(Why.INTERNAL, rid);
    }

    private static Uni<Void> fail(Why why) {
        return Uni.createFrom().failure(new ProtocolException(why));
    }
}

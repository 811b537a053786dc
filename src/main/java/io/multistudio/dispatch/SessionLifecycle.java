package io.multistudio.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.backend.Webhooks;
import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.delivery.LocalRooms;
import io.multistudio.keys.RequestKeys;
import io.multistudio.monitor.NodeStats;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Why;
import io.multistudio.room.Actor;
import io.multistudio.room.Membership;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.multistudio.transport.AddressLimits;
import io.multistudio.transport.Connection;
import io.multistudio.transport.Errors;
import io.multistudio.transport.Inbounds;
import io.multistudio.transport.LocalConnections;
import io.multistudio.transport.Outbounds;
import io.multistudio.transport.RateLimit;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * What opening and losing a connection mean for its session: admission of a new connection, the hello timeout, the
 * end of a session (bye, client close 1000), its grace after an abnormal loss, and the drain on shutdown (a take-over
 * by a newer connection is {@link TakeOver}'s).
 */
@Startup
@Singleton
public class SessionLifecycle {

    private static final Logger LOG = Logger.getLogger(SessionLifecycle.class);
    private static final CloseReason HELLO_TIMED_OUT = new CloseReason(1008, "hello timeout");
    private static final CloseReason SERVER_FULL = new CloseReason(1013, "server full");
    private static final CloseReason OVER_CAP = new CloseReason(1013, "too many connections");
    private static final CloseReason RESTARTING = new CloseReason(1012, "service restart");
    private static final int CLIENT_NORMAL_CLOSE = 1000;
    /** A failed detach, end or {@code USER_AWAY} is tried this many times more, pausing from 0.2 s on, doubling. */
    public static final int DETACH_RETRIES = 3;
    private static final Duration DETACH_PAUSE = Duration.ofMillis(200);

    private final LocalConnections connections;
    private final SessionService sessions;
    private final Membership membership;
    private final LocalRooms localRooms;
    private final Errors errors;
    private final MultiStudioConfig config;
    private final Vertx vertx;
    private final Node node;
    private final ServerMetrics metrics;
    private final Webhooks webhooks;
    private final Outbounds outbounds;
    private final AddressLimits limits;
    private final Inbounds inbounds;
    private final RequestKeys keys;
    private volatile boolean draining;

    SessionLifecycle(LocalConnections connections, SessionService sessions, Membership membership,
            LocalRooms localRooms, Errors errors, MultiStudioConfig config, Vertx vertx, Node node,
            ServerMetrics metrics, NodeRegistry nodes, NodeStats nodeStats, Webhooks webhooks, Outbounds outbounds,
            AddressLimits limits, Inbounds inbounds, RequestKeys keys) {
        this.webhooks = webhooks;
        this.keys = keys;
        this.limits = limits;
        this.inbounds = inbounds;
        this.outbounds = outbounds;
        nodeStats.connections(connections::count);
        nodeStats.rooms(localRooms::count);
        nodes.reportLoad(() -> new NodeRegistry.Load(connections.count(), connections.sessions(), metrics.messagesIn(),
                metrics.messagesOut()));
        this.connections = connections;
        this.sessions = sessions;
        this.membership = membership;
        this.localRooms = localRooms;
        this.errors = errors;
        this.config = config;
        this.vertx = vertx;
        this.node = node;
        this.metrics = metrics;
        nodes.onLeaseLost(this::leaseLost);
        metrics.gauge("multistudio.connections", "Open WebSocket connections on this node", connections::count);
    }

    /** Whether this node is shutting down: it takes no new connection and no request. */
    boolean draining() {
        return draining;
    }

    public Uni<Void> opened(WebSocketConnection socket) {
        Connection connection = new Connection(socket.id(), node.id(), outbounds.open(socket), inbounds.open(socket),
                new RateLimit(config.rateLimit(), config.rateBurst(), config.abuseLimit(), config.abuseWindow()));
        if (draining) {
            connection.sendAndClose(errors.frame(Why.SHUTTING_DOWN, null), RESTARTING);
            return Uni.createFrom().voidItem();
        }
        if (connections.count() >= config.maxConnections()) {
            metrics.refused(ServerMetrics.SERVER_FULL);
            connection.sendAndClose(errors.frame(Why.SERVER_FULL, null), SERVER_FULL);
            return Uni.createFrom().voidItem();
        }
        if (!limits.opened(socket)) {
            connection.close(OVER_CAP);
            return Uni.createFrom().voidItem();
        }
        connections.add(connection);
        connection.onCutOff(() -> cutOff(connection));
        connection.helloTimer(vertx.setTimer(config.helloTimeout().toMillis(), timer -> helloTimedOut(connection)));
        return Uni.createFrom().voidItem();
    }

    /**
     * The connection is gone (closed, or cut off): what that means for its session, once. A client close with 1000
     * ends the session like {@code BYE}; any other loss keeps it for the reconnect grace.
     */
    public Uni<Void> lost(Connection connection, CloseReason reason) {
        if (!connections.remove(connection)) {
            return Uni.createFrom().voidItem();
        }
        connection.closed();
        limits.closed(connection.id());
        vertx.cancelTimer(connection.helloTimer());
        String sessionId = connection.sessionId();
        if (sessionId == null) {
            return Uni.createFrom().voidItem();
        }
        return reason != null && reason.getCode() == CLIENT_NORMAL_CLOSE
                ? end(connection, sessionId)
                : detach(connection, sessionId);
    }

    /**
     * The session ends for good: its user leaves its room with reason {@code left}, and the backend hears of it. A
     * failed end is tried again like a detach, and only ever ends the session while it is still attached to this
     * connection: one that a resume took meanwhile, here or on another node, is kept. An end that the store applied
     * although it answered with a failure leaves the next try nothing to end: the repair sweep then takes its user out
     * of its room (reason {@code expired}).
     */
    Uni<Void> end(Connection connection, String sessionId) {
        localRooms.detach(connection);
        return persistently(Uni.createFrom().deferred(() -> sessions.end(sessionId, connection.reference())))
                .onFailure().invoke(failure -> leftToSweep(sessionId, connection, failure))
                .flatMap(ended -> ended == null ? Uni.createFrom().voidItem()
                        : gone(ended, connection).call(() -> webhooks.sessionEnded(ended)));
    }

    /**
     * A session that ended, or that a fresh session of the same authenticated user replaced: its user leaves its room,
     * if any, with reason {@code left}, and its request keys are forgotten.
     */
    Uni<Void> gone(Session gone, Connection connection) {
        if (gone == null) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> left = gone.room() == null ? Uni.createFrom().voidItem()
                : membership.leave(new Actor(gone.id(), connection.reference(), null), gone.room(), "left");
        return Uni.join().all(left, keys.forget(gone.id())).andCollectFailures().replaceWithVoid();
    }

    /**
     * Graceful shutdown: every session here is put into its grace first, so that no event is lost and any node can
     * resume it, then every connection is closed with 1012 so that clients reconnect elsewhere at once. It runs when
     * the shutdown delay starts (readiness already down), before the HTTP server closes the sockets itself.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent shutdown) {
        draining = true;
        List<Connection> open = connections.all();
        LOG.infof("Draining %d connections", open.size());
        // Bounded here, not by each detach, whose retries can outlast the shutdown delay.
        Uni.join().all(open.stream().map(this::drainOne).toList()).andCollectFailures()
                .ifNoItem().after(config.storeTimeout().multipliedBy(2)).fail()
                .onFailure().invoke(failure -> LOG.warnf("Some sessions could not be put into grace: %s", failure))
                .onFailure().recoverWithNull()
                .await().indefinitely();
    }

    /**
     * This node's lease ran out while it went on serving (a long pause): the other nodes put its sessions into grace,
     * and may have ended them since. Every connection is closed with 1012, like a restart, after putting its session
     * into grace if nobody did, so that each client resumes, or starts afresh if its session is gone.
     */
    private void leaseLost() {
        connections.all().forEach(connection -> drainOne(connection).subscribe().with(ignored -> {
        }, failure -> LOG.warnf("Could not put a session into grace: %s", failure.getMessage())));
    }

    /** The session a connection carried is gone (it expired meanwhile): the client is told to resume, with 1012. */
    void sessionGone(Connection connection) {
        connections.release(connection);
        localRooms.detach(connection);
        connection.close(RESTARTING);
    }

    private Uni<Void> drainOne(Connection connection) {
        String sessionId = connections.release(connection);
        Uni<Void> detached = sessionId == null ? Uni.createFrom().voidItem() : detach(connection, sessionId);
        return detached.onTermination().invoke(() -> connection.close(RESTARTING));
    }

    /**
     * The session waits out its grace; its room sees the user away. Both writes are tried again after a failure (a
     * store hiccup, a timeout under load): left as they are, the session would stay attached to a connection that is
     * gone until the repair sweep finds it, or sit in grace while its room never hears that the user is away. A
     * detach the store applied although it answered with a failure is found so by the next try; a room event whose
     * answer was lost is committed again, and the room may then see the user away twice.
     */
    private Uni<Void> detach(Connection connection, String sessionId) {
        long lastSeq = Math.max(localRooms.detach(connection), 0);
        AtomicBoolean tried = new AtomicBoolean();
        Uni<Session> detached = Uni.createFrom().deferred(() -> tried.getAndSet(true)
                ? sessions.detachAgain(sessionId, connection.reference(), connection.attachment(), lastSeq)
                : sessions.detach(sessionId, connection.reference(), lastSeq));
        return persistently(detached)
                .onFailure().invoke(failure -> leftToSweep(sessionId, connection, failure))
                .flatMap(session -> session == null ? Uni.createFrom().voidItem()
                        : persistently(Uni.createFrom().deferred(() -> membership.away(session)))
                                .onFailure().invoke(failure -> LOG.warnf("The room of session %s did not hear that"
                                        + " it is away: %s", sessionId, failure.getMessage())));
    }

    private static void leftToSweep(String sessionId, Connection connection, Throwable failure) {
        LOG.warnf("Session %s stays attached to closed connection %s until the repair sweep puts it into grace: %s",
                sessionId, connection.id(), failure.getMessage());
    }

    /**
     * {@code step}, tried again {@link #DETACH_RETRIES} times after a failure, pausing from 0.2 s on, doubling.
     * Mutiny's retry with a back-off builds its machinery when it is subscribed: only a first failure reaches it, so
     * that the first try (nearly every one) costs what it did without retries.
     */
    private static <T> Uni<T> persistently(Uni<T> step) {
        return step.onFailure().recoverWithUni(() -> Uni.createFrom().voidItem().onItem().delayIt().by(DETACH_PAUSE)
                .chain(() -> step.onFailure().retry().withBackOff(DETACH_PAUSE.multipliedBy(2),
                        DETACH_PAUSE.multipliedBy(8)).atMost(DETACH_RETRIES - 1)));
    }

    /** The connection said {@code HELLO}: no more hello timeout, and it no longer counts as pending. */
    void helloDone(Connection connection) {
        vertx.cancelTimer(connection.helloTimer());
        limits.helloDone(connection.id());
    }

    /** Cut off as a slow consumer (1013): said once, counted, and lost at once rather than when TCP gives up. */
    private void cutOff(Connection connection) {
        LOG.infof("Slow consumer cut off (1013): connection %s, session %s, %d bytes unsent", connection.id(),
                connection.sessionId(), connection.unsent());
        metrics.slowConsumerCut();
        // Later, not inside the send that overflowed: that may run in the middle of delivering a room event.
        vertx.runOnContext(later -> lost(connection, Connection.SLOW_CONSUMER).subscribe().with(ignored -> {
        }, failure -> LOG.warnf("Could not put a slow consumer's session into grace: %s", failure.getMessage())));
    }

    private void helloTimedOut(Connection connection) {
        if (connection.state() != Connection.State.ESTABLISHED) {
            connection.sendAndClose(errors.frame(Why.HELLO_TIMEOUT, null), HELLO_TIMED_OUT);
        }
    }
}

package io.multistudio.dispatch;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.delivery.LocalRooms;
import io.multistudio.monitor.NodeStats;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Why;
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
 * What opening and losing a connection mean for its session: admission of a new connection, the hello timeout, which
 * loss ends a session (a client close with 1000) and which keeps it for its grace (the {@link Departure}'s writes),
 * and the drain on shutdown (a take-over by a newer connection is {@link TakeOver}'s).
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

    private final LocalConnections connections;
    private final Departure departure;
    private final LocalRooms localRooms;
    private final Errors errors;
    private final MultiStudioConfig config;
    private final Vertx vertx;
    private final Node node;
    private final ServerMetrics metrics;
    private final Outbounds outbounds;
    private final AddressLimits limits;
    private final Inbounds inbounds;
    private volatile boolean draining;

    SessionLifecycle(LocalConnections connections, Departure departure, LocalRooms localRooms, Errors errors,
            MultiStudioConfig config, Vertx vertx, Node node, ServerMetrics metrics, NodeRegistry nodes,
            NodeStats nodeStats, Outbounds outbounds, AddressLimits limits, Inbounds inbounds) {
        this.limits = limits;
        this.inbounds = inbounds;
        this.outbounds = outbounds;
        nodeStats.connections(connections::count);
        nodeStats.rooms(localRooms::count);
        nodes.reportLoad(() -> new NodeRegistry.Load(connections.count(), connections.sessions(), metrics.messagesIn(),
                metrics.messagesOut()));
        this.connections = connections;
        this.departure = departure;
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
        AddressLimits.Count address = limits.opened(socket);
        if (address == null) {
            connection.close(OVER_CAP);
            return Uni.createFrom().voidItem();
        }
        connection.countedAs(address);
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
        limits.closed(connection.id(), connection.countedAs());
        vertx.cancelTimer(connection.helloTimer());
        String sessionId = connection.sessionId();
        if (sessionId == null) {
            return Uni.createFrom().voidItem();
        }
        return reason != null && reason.getCode() == CLIENT_NORMAL_CLOSE
                ? departure.end(connection, sessionId)
                : departure.detach(connection, sessionId);
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
        Uni<Void> detached = sessionId == null ? Uni.createFrom().voidItem()
                : departure.detach(connection, sessionId);
        return detached.onTermination().invoke(() -> connection.close(RESTARTING));
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

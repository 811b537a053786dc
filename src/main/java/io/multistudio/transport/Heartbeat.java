package io.multistudio.transport;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.observability.ServerMetrics;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * The heartbeat of PROTOCOL.md §2.7: every {@code heartbeat-interval} each connection gets a WebSocket ping, and a
 * connection from which nothing (no pong, no frame) arrived for {@code heartbeat-timeout} is dropped without a close
 * handshake; its close then puts its session into grace like any other abnormal loss. A connection with messages
 * still waiting to be handled is alive whatever its silence: its socket is not read while they wait (inbound
 * backpressure), so its pongs cannot arrive. One timer per node sweeps every
 * connection: ten thousand connections cost one timer and ten thousand field reads per interval, not ten thousand
 * timers.
 */
@Startup
@Singleton
public class Heartbeat {

    private static final Logger LOG = Logger.getLogger(Heartbeat.class);

    private final LocalConnections connections;
    private final ServerMetrics metrics;
    private final long timeoutNanos;

    @Inject
    Heartbeat(MultiStudioConfig config, Vertx vertx, LocalConnections connections, ServerMetrics metrics) {
        this(connections, metrics, config.heartbeatTimeout());
        long interval = config.heartbeatInterval().toMillis();
        if (interval > 0) {
            vertx.setPeriodic(interval, timer -> sweep(System.nanoTime()));
        }
    }

    Heartbeat(LocalConnections connections, ServerMetrics metrics, Duration timeout) {
        this.connections = connections;
        this.metrics = metrics;
        this.timeoutNanos = timeout.toNanos();
    }

    /** One round at {@code now} ({@link System#nanoTime()}): the silent connections go, the others are pinged. */
    void sweep(long now) {
        for (Connection connection : connections.all()) {
            if (now - connection.heardAt() > timeoutNanos && connection.inbound().unhandled() == 0) {
                LOG.debugf("Connection %s (session %s) sent nothing for %d ms: dropped as lost", connection.id(),
                        connection.sessionId(), Duration.ofNanos(now - connection.heardAt()).toMillis());
                metrics.heartbeatTimeout();
                connection.abort();
            } else {
                connection.ping();
            }
        }
    }
}

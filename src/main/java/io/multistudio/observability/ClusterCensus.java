package io.multistudio.observability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.room.Rooms;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * Cluster-wide counts that no single node keeps: rooms and sessions in grace. They are counted by reading the shared
 * state, which costs a full read, so it happens on a slow timer and the gauges report the last count.
 */
@Startup
@Singleton
class ClusterCensus {

    private static final Logger LOG = Logger.getLogger(ClusterCensus.class);
    static final Duration INTERVAL = Duration.ofSeconds(15);

    private final AtomicLong rooms = new AtomicLong();
    private final AtomicLong sessionsInGrace = new AtomicLong();
    private final Rooms storedRooms;
    private final SessionService sessionService;
    private final Vertx vertx;
    private final long timer;

    ClusterCensus(Rooms storedRooms, SessionService sessionService, ServerMetrics metrics, Vertx vertx) {
        this.storedRooms = storedRooms;
        this.sessionService = sessionService;
        this.vertx = vertx;
        metrics.gauge("multistudio.rooms", "Rooms on every node, as of the last census", rooms::get);
        metrics.gauge("multistudio.sessions.grace", "Sessions waiting in their reconnect grace, as of the last census",
                sessionsInGrace::get);
        this.timer = vertx.setPeriodic(INTERVAL.toMillis(), tick -> count());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timer);
    }

    private void count() {
        storedRooms.count().subscribe().with(rooms::set,
                failure -> LOG.debugf("Room census failed: %s", failure.getMessage()));
        sessionService.countInGrace().subscribe().with(sessionsInGrace::set,
                failure -> LOG.debugf("Session census failed: %s", failure.getMessage()));
    }
}

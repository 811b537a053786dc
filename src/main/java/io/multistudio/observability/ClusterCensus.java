package io.multistudio.observability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.cluster.NodeRegistry;
import io.multistudio.room.Rooms;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Cluster-wide counts that no single node keeps: rooms and sessions in grace. No count reads the shared state whole:
 * the rooms are the size of their map, which the store counts without shipping a room, and the sessions in grace are
 * the stored sessions less those the live nodes carry, which each node reports with its lease. So a census costs two
 * size calls and a read of the leases, one per node; the operator API takes one per request, and the gauges report
 * the one taken on a slow timer.
 */
@Startup
@Singleton
public class ClusterCensus {

    private static final Logger LOG = Logger.getLogger(ClusterCensus.class);
    static final Duration INTERVAL = Duration.ofSeconds(15);

    /**
     * One census.
     *
     * @param nodes the leases of the live nodes, as of their last renewal
     * @param sessionsInGrace stored sessions that no live node carries: those in their reconnect grace, and those
     *        still attached to a node that died until the repair puts them into grace; as of the leases' renewals
     */
    public record Census(List<NodeRegistry.NodeLease> nodes, long sessionsInGrace, long rooms) {
    }

    private final AtomicLong rooms = new AtomicLong();
    private final AtomicLong sessionsInGrace = new AtomicLong();
    private final Rooms storedRooms;
    private final SessionService sessions;
    private final NodeRegistry registry;
    private final Vertx vertx;
    private final long timer;

    ClusterCensus(Rooms storedRooms, SessionService sessions, NodeRegistry registry, ServerMetrics metrics,
            Vertx vertx) {
        this.storedRooms = storedRooms;
        this.sessions = sessions;
        this.registry = registry;
        this.vertx = vertx;
        metrics.gauge("multistudio.rooms", "Rooms on every node, as of the last census", rooms::get);
        metrics.gauge("multistudio.sessions.grace", "Sessions waiting in their reconnect grace, as of the last census",
                sessionsInGrace::get);
        this.timer = vertx.setPeriodic(INTERVAL.toMillis(), tick -> update());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timer);
    }

    /** Counts now. */
    public Uni<Census> take() {
        return Uni.combine().all().unis(registry.nodes(), sessions.count(), storedRooms.count())
                .with((leases, stored, roomCount) -> new Census(leases, inGrace(stored, leases), roomCount));
    }

    /**
     * The stored sessions that none of {@code leases} carries. A lease trails its node by up to a renewal, so while
     * sessions come and go the difference can dip below what is in grace, never below zero.
     */
    static long inGrace(long storedSessions, List<NodeRegistry.NodeLease> leases) {
        long carried = leases.stream().mapToLong(NodeRegistry.NodeLease::sessions).sum();
        return Math.max(0, storedSessions - carried);
    }

    private void update() {
        take().subscribe().with(census -> {
            rooms.set(census.rooms());
            sessionsInGrace.set(census.sessionsInGrace());
        }, failure -> LOG.debugf("Census failed: %s", failure.getMessage()));
    }
}

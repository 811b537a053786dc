package io.multistudio.room;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The periodic repair of what one-shot events leave behind when they are missed: a node's lease expiry that nobody
 * heard (every node was down at once), a session expiry that nobody heard. Every node sweeps, every
 * {@code repair-interval}: sessions still attached to a node without a lease go into grace, and room members whose
 * session is gone leave their room. Each repair is a conditional update that only one node can win, so sweeping on
 * every node at once is safe.
 */
@Startup
@Singleton
public class Repair {

    private static final Logger LOG = Logger.getLogger(Repair.class);

    private final NodeRegistry nodes;
    private final Node node;
    private final Membership membership;
    private final Rooms rooms;
    /** A sweep that takes longer than the interval is not joined by the next one. */
    private final AtomicBoolean sweeping = new AtomicBoolean();

    Repair(MultiStudioConfig config, Vertx vertx, NodeRegistry nodes, Node node, Membership membership, Rooms rooms) {
        this.nodes = nodes;
        this.node = node;
        this.membership = membership;
        this.rooms = rooms;
        long interval = config.repairInterval().toMillis();
        if (interval > 0) {
            vertx.setPeriodic(interval, timer -> sweep());
        }
    }

    private void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        repair().onTermination().invoke(() -> sweeping.set(false)).subscribe().with(ignored -> {
        }, failure -> LOG.warnf("Repair sweep failed, the next one tries again: %s", failure.getMessage()));
    }

    Uni<Void> repair() {
        return nodes.nodes().flatMap(leases -> {
            // This node is alive whatever its lease says: a lapsed lease is renewed, never repaired away.
            Set<String> live = new HashSet<>(Set.of(node.id()));
            leases.forEach(lease -> live.add(lease.id()));
            return membership.awayAllOf(nodeId -> !live.contains(nodeId));
        }).flatMap(ignored -> rooms.all()).flatMap(membership::removeGhosts);
    }
}

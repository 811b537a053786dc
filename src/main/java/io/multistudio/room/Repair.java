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
 * session is gone leave their room. Only what two sweeps in a row found broken is repaired, so that a state that is
 * merely in passing (a node that has not written its first lease yet, a member whose session just ended and who is
 * leaving) is left to its own course. Each repair is a conditional update that only one node can win, so sweeping on
 * every node at once is safe. Not repaired: the request keys of a session whose expiry nobody heard (see
 * {@code RequestKeys}).
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
    /** What the previous sweep found broken (lost node ids, {@code room/user} ghosts); guarded by {@code this}. */
    private Set<String> suspects = Set.of();
    private Set<String> found = new HashSet<>();

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
        repair().onTermination().invoke(() -> {
            roll();
            sweeping.set(false);
        }).subscribe().with(ignored -> {
        }, failure -> LOG.warnf("Repair sweep failed, the next one tries again: %s", failure.getMessage()));
    }

    private Uni<Void> repair() {
        return nodes.nodes().flatMap(leases -> {
            // This node is alive whatever its lease says: a lapsed lease is renewed, never repaired away.
            Set<String> live = new HashSet<>(Set.of(node.id()));
            leases.forEach(lease -> live.add(lease.id()));
            return membership.awayAllOf(nodeId -> !live.contains(nodeId) && confirmed(nodeId));
        }).flatMap(ignored -> rooms.all()).flatMap(all -> membership.removeGhosts(all, this::confirmed));
    }

    /** What this sweep found broken is what the next one confirms. */
    private synchronized void roll() {
        suspects = found;
        found = new HashSet<>();
    }

    /** Whether {@code broken} was found by the previous sweep too; remembered for the next one either way. */
    private synchronized boolean confirmed(String broken) {
        found.add(broken);
        return suspects.contains(broken);
    }
}

package io.multistudio.room;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.session.Session;
import io.multistudio.transport.LocalConnections;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The periodic repair of what one-shot events leave behind when they are missed: a node's lease expiry that nobody
 * heard (every node was down at once), a session expiry that nobody heard, a room's end whose last steps failed or
 * raced, a connection's loss whose write to its session failed. Every node sweeps, every {@code repair-interval}:
 * sessions still attached to a node without a lease, or to a connection of this node that is no longer open, go into
 * grace, room members whose session is gone leave their room, and the entries kept beside a room that is gone (its
 * stored seq head, its {@code LIST_ROOMS} index entry) are removed. Only what two sweeps in a row found broken is
 * repaired, so that a state that is merely in passing (a node that has not written its first lease yet, a member
 * whose session just ended and who is leaving, a room being deleted) is left to its own course. Each repair is a
 * conditional update that only one node can win, or a removal that changes nothing the second time, so sweeping on
 * every node at once is safe. Sessions in grace and history events need none: each expires by itself. Not repaired:
 * the request keys of a session whose expiry no node heard (see {@code RequestKeys}).
 */
@Startup
@Singleton
public class Repair {

    private static final Logger LOG = Logger.getLogger(Repair.class);

    private final NodeRegistry nodes;
    private final Node node;
    private final LocalConnections connections;
    private final Membership membership;
    private final Rooms rooms;
    private final RoomIndex index;
    private final SeqHeads heads;
    /** A sweep that takes longer than the interval is not joined by the next one. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** What the previous sweep found broken (lost node ids, {@code room/user} ghosts); guarded by {@code this}. */
    private Set<String> suspects = Set.of();
    private Set<String> found = new HashSet<>();

    Repair(MultiStudioConfig config, Vertx vertx, NodeRegistry nodes, Node node, LocalConnections connections,
            Membership membership, Rooms rooms, RoomIndex index, SeqHeads heads) {
        this.nodes = nodes;
        this.node = node;
        this.connections = connections;
        this.membership = membership;
        this.rooms = rooms;
        this.index = index;
        this.heads = heads;
        long interval = config.repairInterval().toMillis();
        if (interval > 0) {
            vertx.setPeriodic(interval, timer -> sweep().subscribe().with(ignored -> {
            }, failure -> LOG.warnf("Repair sweep failed, the next one tries again: %s", failure.getMessage())));
        }
    }

    /** One sweep; none if the previous one is still going. */
    Uni<Void> sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return repair().onTermination().invoke(() -> {
            roll();
            sweeping.set(false);
        });
    }

    private Uni<Void> repair() {
        return nodes.nodes().flatMap(leases -> {
            // This node is alive whatever its lease says: a lapsed lease is renewed, never repaired away.
            Set<String> live = new HashSet<>(Set.of(node.id()));
            leases.forEach(lease -> live.add(lease.id()));
            return membership.awayAllOf(session -> gone(session, live));
        }).flatMap(ignored -> Uni.combine().all().unis(index.entries(), heads.allStored()).asTuple())
                // The entries beside the rooms are read first: each is written after its room, so one whose room is
                // not among the rooms read next belongs to a room that is gone.
                .flatMap(beside -> rooms.all().flatMap(all -> membership.removeGhosts(all, this::confirmed)
                        .flatMap(done -> removeOrphans(all, beside.getItem1(), beside.getItem2()))));
    }

    /**
     * Whether an attached session's connection is gone: its node has no lease, or it is this node's and no longer
     * open here. A connection is open here from before its {@code HELLO} until it is lost, and its id is never used
     * again, so one that is not open here will never carry the session: the session was attached to it after its loss
     * was handled, or the write that detached it failed.
     */
    private boolean gone(Session session, Set<String> live) {
        if (!session.node().equals(node.id())) {
            return !live.contains(session.node()) && confirmed(session.node());
        }
        String connection = session.connection().substring(node.id().length() + 1);
        if (connections.get(connection) != null || !confirmed(session.connection())) {
            return false;
        }
        LOG.infof("Repair: session %s is attached to connection %s, which is closed: into grace", session.id(),
                connection);
        return true;
    }

    /** Removes the index entries and stored heads of rooms that are not among {@code all}. */
    private Uni<Void> removeOrphans(List<Room> all, List<ServerMessage.MultiRoom> entries, List<RoomHead> stored) {
        Set<String> ids = new HashSet<>();
        Set<String> instances = new HashSet<>();
        all.forEach(room -> {
            ids.add(room.id());
            instances.add(room.instance());
        });
        List<Uni<Void>> removals = new ArrayList<>();
        entries.stream()
                .filter(entry -> !ids.contains(entry.id())
                        && confirmed("listed:" + entry.id() + "@" + entry.createdAt()))
                .forEach(entry -> removals.add(index.removeStale(entry)));
        stored.stream()
                .filter(head -> !instances.contains(head.instance()) && confirmed("head:" + head.instance()))
                .forEach(head -> removals.add(heads.forget(head.instance())));
        if (!removals.isEmpty()) {
            LOG.infof("Repair: removing %d entries left behind by rooms that are gone", removals.size());
        }
        return removals.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(removals).andCollectFailures().replaceWithVoid();
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

package io.multistudio.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Which nodes are alive. Each node keeps a lease in the engine and renews it; a node that dies (killed, partitioned)
 * stops renewing, its lease expires, and every other node hears of it, so that the sessions it held are put into
 * their grace instead of staying connected for ever.
 * <p>
 * The renewal has a thread of its own rather than an event-loop timer: an event loop busy with a burst (or blocked by a
 * bug) must not make the others take this live node for a dead one. A pause of the whole JVM longer than the lease
 * still can; the node then finds its lease gone at the next renewal and closes its connections so that their clients
 * resume ({@link #onLeaseLost}).
 */
@Startup
@Singleton
public class NodeRegistry {

    private static final Logger LOG = Logger.getLogger(NodeRegistry.class);
    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration RENEWAL = Duration.ofSeconds(4);

    /**
     * A node's claim to be alive, with its load as of the renewal, so that any node can tell the cluster's load.
     *
     * @param sessions the sessions attached to its connections: those the cluster's census does not count in grace
     * @param messagesInPerSecond frames received per second since the previous renewal
     * @param messagesOutPerSecond frames written per second since the previous renewal
     */
    public record NodeLease(String id, long renewedAt, int connections, int sessions, double messagesInPerSecond,
            double messagesOutPerSecond) {
    }

    /**
     * What a node reports of its load: its open connections, the sessions they carry, and its message totals so far.
     */
    public record Load(int connections, int sessions, double messagesIn, double messagesOut) {
    }

    private final SharedMap<NodeLease> leases;
    private final List<Consumer<String>> lostListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> leaseLostListeners = new CopyOnWriteArrayList<>();
    /** Whether a renewal has written this node's lease yet: until then, finding none is the start, not a loss. */
    private volatile boolean leased;
    /**
     * Whether the last renewal wrote this node's lease. Not after a failed one: the store was gone, and the lease may
     * have gone with it (a store that restarted empty, or one that answered again only after the lease ran out), which
     * the next renewal finds out, closing the connections if so. Until then the node is not ready, so that no client
     * connects just to be closed.
     */
    private volatile boolean renewed;
    private final OutageLog outage;
    private final Node node;
    private final ScheduledExecutorService renewals;
    private volatile Supplier<Load> load = () -> new Load(0, 0, 0, 0);
    private Load lastLoad = new Load(0, 0, 0, 0);
    private long lastRenewal = System.currentTimeMillis();

    NodeRegistry(Engine engine, Node node) {
        this.leases = engine.map("nodes", NodeLease.class, lease -> LEASE);
        this.node = node;
        this.outage = new OutageLog(node.id());
        this.renewals = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "multistudio-lease");
            thread.setDaemon(true);
            return thread;
        });
        leases.onExpired(lease -> lost(lease.id()));
        renew();
        renewals.scheduleAtFixedRate(this::renewQuietly, RENEWAL.toMillis(), RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Where this node's load comes from; reported with each renewal. */
    public void reportLoad(Supplier<Load> source) {
        this.load = source;
    }

    /**
     * Whether the last renewal wrote this node's lease: a node is ready for clients only then (not before the first
     * renewal, nor between a failed one and the next that succeeds).
     */
    public boolean leased() {
        return renewed;
    }

    /** The leases of every live node, this one included. */
    public Uni<List<NodeLease>> nodes() {
        return leases.values();
    }

    /**
     * Calls {@code listener} when this node finds that its own lease ran out (a long pause, a store outage): the other
     * nodes have then put its sessions into grace, and its connections no longer carry them.
     */
    public void onLeaseLost(Runnable listener) {
        leaseLostListeners.add(listener);
    }

    /** Calls {@code listener} with the id of each node whose lease ran out. */
    public void onNodeLost(Consumer<String> listener) {
        lostListeners.add(listener);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        close();
        leases.remove(node.id()).await().atMost(RENEWAL);
    }

    /** Stops renewing: the lease then runs out unless it is removed. */
    void close() {
        renewals.shutdownNow();
    }

    /** Writes this node's lease; a renewal that finds none after the first one tells that the lease was lost. */
    synchronized void renew() {
        long now = System.currentTimeMillis();
        Load current = load.get();
        double seconds = Math.max(now - lastRenewal, 1) / 1000.0;
        NodeLease lease = new NodeLease(node.id(), now, current.connections(), current.sessions(),
                (current.messagesIn() - lastLoad.messagesIn()) / seconds,
                (current.messagesOut() - lastLoad.messagesOut()) / seconds);
        lastLoad = current;
        lastRenewal = now;
        leases.update(node.id(), previous -> lease).subscribe().with(change -> {
            if (change.before() == null && leased) {
                LOG.warnf("Node %s found its lease expired: its connections are closed so that their clients resume",
                        node.id());
                leaseLostListeners.forEach(Runnable::run);
            }
            leased = true;
            renewed = true;
            String back = outage.succeeded(System.currentTimeMillis());
            if (back != null) {
                LOG.info(back);
            }
        }, failure -> {
            renewed = false;
            String warning = outage.failed(System.currentTimeMillis(), failure.getMessage());
            if (warning != null) {
                LOG.warn(warning);
            }
        });
    }

    /** A failure escaping a renewal would cancel the schedule: log it and renew again next time. */
    private void renewQuietly() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Node %s could not start a lease renewal", node.id());
        }
    }

    private void lost(String nodeId) {
        if (nodeId.equals(node.id())) {
            // Our own lease lapsed (store outage, long pause): the renewal restores it and tells that it was lost.
            renew();
            return;
        }
        LOG.infof("Node %s is gone", nodeId);
        lostListeners.forEach(listener -> listener.accept(nodeId));
    }
}

package io.multistudio.backend;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Sends the outbox's webhooks. Each node sends the lanes that rendezvous hashing gives it among the live nodes, one
 * event per lane at a time and in order, so a room's events reach the receiver in the room's order and each event
 * is sent by one node. A pass reads the outbox when something was written to it, when an attempt ended, and once a
 * second, which is also how a dead node's lanes are taken over once its lease has expired. Nothing here is on the
 * path of a WebSocket request.
 */
@Startup
@Singleton
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    static final long TICK_MILLIS = 1000;
    private static final long SOON_MILLIS = 10;

    private final Outbox outbox;
    private final NodeRegistry nodes;
    private final Node node;
    private final HookClient client;
    private final MultiStudioConfig.Webhook config;
    private final Vertx vertx;
    private final Backoff backoff;
    private final Set<String> sending = ConcurrentHashMap.newKeySet();
    /** When each lane's last attempt ended: a pass that read the outbox before that must leave the lane alone. */
    private final Map<String, Long> settled = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Counter delivered;
    private final Counter failed;
    private final Counter attemptsFailed;
    private boolean running;
    private boolean again;
    private long ticker = -1;

    WebhookDispatcher(Outbox outbox, NodeRegistry nodes, Node node, HookClient client, MultiStudioConfig config,
            Vertx vertx, MeterRegistry registry) {
        this.outbox = outbox;
        this.nodes = nodes;
        this.node = node;
        this.client = client;
        this.config = config.webhook();
        this.vertx = vertx;
        this.backoff = new Backoff(this.config.retryDelay(), this.config.retryMaxDelay());
        registry.gauge("multistudio.webhooks.pending", pending);
        this.delivered = Counter.builder("multistudio.webhooks.delivered")
                .description("Webhooks this node delivered (answered 2xx)").register(registry);
        this.failed = Counter.builder("multistudio.webhooks.failed")
                .description("Webhooks this node gave up on: retried for the whole retry time, or over the outbox"
                        + " bound")
                .register(registry);
        this.attemptsFailed = Counter.builder("multistudio.webhooks.attempts.failed")
                .description("Attempts that got no 2xx answer and will be retried").register(registry);
        if (outbox.enabled()) {
            outbox.onWritten(entry -> soon());
            nodes.onNodeLost(lost -> soon());
            ticker = vertx.setPeriodic(TICK_MILLIS, timer -> pass());
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticker >= 0) {
            vertx.cancelTimer(ticker);
        }
    }

    private void soon() {
        vertx.setTimer(SOON_MILLIS, timer -> pass());
    }

    /** One pass at a time; a pass asked for meanwhile runs right after. */
    private void pass() {
        synchronized (this) {
            if (running) {
                again = true;
                return;
            }
            running = true;
        }
        long started = System.nanoTime();
        Uni.combine().all().unis(outbox.all(), nodes.nodes()).asTuple()
                .subscribe().with(found -> {
                    settled.values().removeIf(at -> at < started);
                    dispatch(found.getItem1(), found.getItem2().stream().map(NodeRegistry.NodeLease::id).toList());
                    passed();
                }, failure -> {
                    LOG.debugf("Webhook pass failed: %s", failure.getMessage());
                    passed();
                });
    }

    private void passed() {
        boolean more;
        synchronized (this) {
            running = false;
            more = again;
            again = false;
        }
        if (more) {
            soon();
        }
    }

    private void dispatch(List<OutboxEntry> all, List<String> live) {
        List<OutboxEntry> waiting = all.stream().filter(entry -> !entry.delivered()).toList();
        pending.set(waiting.size());
        long now = System.currentTimeMillis();
        Comparator<OutboxEntry> order = Comparator.comparingLong(OutboxEntry::epoch)
                .thenComparingLong(OutboxEntry::position).thenComparing(OutboxEntry::id);
        Set<String> overBound = waiting.stream().sorted(Comparator.comparingLong(OutboxEntry::createdAt))
                .limit(Math.max(waiting.size() - config.maxPending(), 0))
                .map(OutboxEntry::id).collect(Collectors.toSet());
        Map<String, List<OutboxEntry>> lanes = waiting.stream()
                .filter(entry -> node.id().equals(Lanes.owner(entry.lane(), live)))
                .collect(Collectors.groupingBy(OutboxEntry::lane));
        long nextRetry = Long.MAX_VALUE;
        for (List<OutboxEntry> entries : lanes.values()) {
            if (settled.containsKey(entries.get(0).lane())) {
                continue;
            }
            List<OutboxEntry> ordered = entries.stream().sorted(order).toList();
            ordered.stream().filter(entry -> overBound.contains(entry.id()) || expired(entry, now))
                    .forEach(this::giveUp);
            OutboxEntry head = ordered.stream().filter(entry -> !overBound.contains(entry.id()) && !expired(entry, now))
                    .findFirst().orElse(null);
            if (head != null && head.nextAttemptAt() > now) {
                nextRetry = Math.min(nextRetry, head.nextAttemptAt());
            } else if (head != null) {
                attempt(head);
            }
        }
        // One timer for the earliest retry; the periodic pass covers the later ones.
        if (nextRetry - now < TICK_MILLIS) {
            vertx.setTimer(Math.max(nextRetry - now, 1), timer -> pass());
        }
    }

    private boolean expired(OutboxEntry entry, long now) {
        return now - entry.createdAt() > config.retryFor().toMillis();
    }

    private void giveUp(OutboxEntry entry) {
        LOG.warnf("Webhook %s dropped after %d attempts", entry.id(), entry.attempts());
        outbox.drop(entry).subscribe().with(ignored -> failed.increment(),
                failure -> LOG.debugf("Could not drop webhook %s: %s", entry.id(), failure.getMessage()));
    }

    /** Sends a lane's head, unless the lane already has an attempt under way. */
    private void attempt(OutboxEntry head) {
        if (!sending.add(head.lane())) {
            return;
        }
        String secret = config.secret().orElseThrow();
        client.post(config.url().orElseThrow(), head.body(), Map.of(Signature.HEADER, Signature.of(head.body(), secret)),
                config.timeout())
                .map(HookClient.Reply::ok)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Webhook %s not delivered: %s", head.id(), failure.toString());
                    return false;
                })
                .flatMap(ok -> ok ? outbox.delivered(head).invoke(() -> delivered.increment())
                        : outbox.failed(head, System.currentTimeMillis() + backoff.delayMillis(head.attempts() + 1))
                                .invoke(() -> attemptsFailed.increment()))
                .onTermination().invoke(() -> {
                    settled.put(head.lane(), System.nanoTime());
                    sending.remove(head.lane());
                    soon();
                })
                .subscribe().with(ignored -> {
                }, failure -> LOG.debugf("Could not record the outcome of webhook %s: %s", head.id(),
                        failure.getMessage()));
    }
}

package io.multistudio.backend;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.Codec;
import io.smallrye.mutiny.Uni;

/**
 * Webhooks not yet delivered, in the engine, so that any node can send them and none is lost with the node that
 * recorded it. Recording is a store write on the path of the request that caused the event, never a delivery.
 */
@Singleton
public class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class);
    /** How long a delivered {@link OutboxEntry#once()} entry stays to refuse late copies. */
    static final Duration DELIVERED_KEPT = Duration.ofMinutes(2);

    private final SharedMap<OutboxEntry> entries;
    private final Set<String> types;
    private final boolean enabled;
    private final Codec codec;

    public Outbox(Engine engine, MultiStudioConfig config, Codec codec) {
        MultiStudioConfig.Webhook webhook = config.webhook();
        // The store forgets an entry some time after the dispatcher would have given up on it anyway.
        Duration pendingLifespan = webhook.retryFor().plus(webhook.retryMaxDelay()).plus(DELIVERED_KEPT);
        this.entries = engine.map("webhooks", OutboxEntry.class,
                entry -> entry.delivered() ? DELIVERED_KEPT : pendingLifespan, Engine.Expiry.SILENT);
        this.types = Set.copyOf(webhook.events());
        this.enabled = webhook.url().isPresent();
        this.codec = codec;
        if (enabled && webhook.secret().isEmpty()) {
            throw new IllegalStateException("MULTISTUDIO_WEBHOOK_SECRET is required with MULTISTUDIO_WEBHOOK_URL");
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether events of {@code type} are sent at all. */
    boolean wants(String type) {
        return enabled && types.contains(type);
    }

    /**
     * Records the events of one lane. A failure is logged, not passed on: the change that caused the events has
     * happened, and its requester must hear so.
     */
    Uni<Void> record(String lane, long epoch, List<Positioned> events, boolean once) {
        List<Uni<Boolean>> writes = events.stream()
                .filter(event -> wants(event.event().type()))
                .map(event -> entries.putIfAbsent(event.event().id(), new OutboxEntry(event.event().id(), lane, epoch,
                        event.position(), codec.write(event.event()), System.currentTimeMillis(), 0, 0, once, false)))
                .toList();
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(writes).andCollectFailures().replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Could not record webhooks of %s: %s", lane, failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** An event and its place in its lane. */
    record Positioned(WebhookEvent event, long position) {
    }

    Uni<List<OutboxEntry>> all() {
        return entries.values();
    }

    Uni<Void> delivered(OutboxEntry entry) {
        return entry.once() ? entries.put(entry.id(), entry.asDelivered()) : entries.remove(entry.id());
    }

    Uni<Void> failed(OutboxEntry entry, long nextAttempt) {
        return entries.update(entry.id(), current -> current == null || current.delivered() ? current
                : current.failedAttempt(nextAttempt)).replaceWithVoid();
    }

    Uni<Void> drop(OutboxEntry entry) {
        return entries.remove(entry.id());
    }

    void onWritten(Consumer<OutboxEntry> listener) {
        entries.onWritten(listener);
    }
}

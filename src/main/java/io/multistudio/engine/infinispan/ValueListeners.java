package io.multistudio.engine.infinispan;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.infinispan.client.hotrod.event.ClientCacheEntryCustomEvent;
import org.infinispan.commons.util.KeyValueWithPrevious;
import org.jboss.logging.Logger;

/**
 * The listeners of one kind of cache event, fed with the values the server's converter ships in the events. Runs on
 * the Hot Rod client's event thread, so the listeners must not block.
 */
final class ValueListeners<V> {

    private static final Logger LOG = Logger.getLogger(ValueListeners.class);

    private final JsonValues<V> json;
    /** This node's writes, recognized when they come back; {@code null} for events that are not writes. */
    private final OwnWrites<V> own;
    private final List<Consumer<V>> listeners = new CopyOnWriteArrayList<>();

    ValueListeners(JsonValues<V> json, OwnWrites<V> own) {
        this.json = json;
        this.own = own;
    }

    void add(Consumer<V> listener) {
        listeners.add(listener);
    }

    /** The converter puts the written or expired value in "value"; "previous" is not needed. */
    void fire(ClientCacheEntryCustomEvent<KeyValueWithPrevious<String, String>> event) {
        String text = event.getEventData().getValue();
        V known = own == null ? null : own.heard(event.getEventData().getKey(), text);
        V value = known == null ? json.read(text) : json.read(text, known);
        for (Consumer<V> listener : listeners) {
            try {
                listener.accept(value);
            } catch (RuntimeException e) {
                // One failing listener must not hide the event from the others.
                // Only the type: values hold user data and token hashes, which stay out of logs.
                LOG.errorf(e, "Cache event listener failed on a %s", value.getClass().getSimpleName());
            }
        }
    }
}

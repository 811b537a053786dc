package io.multistudio.engine.infinispan;

import org.infinispan.client.hotrod.annotation.ClientCacheEntryCreated;
import org.infinispan.client.hotrod.annotation.ClientCacheEntryModified;
import org.infinispan.client.hotrod.annotation.ClientListener;
import org.infinispan.client.hotrod.event.ClientCacheEntryCustomEvent;
import org.infinispan.commons.util.KeyValueWithPrevious;

/**
 * Hears of every write to one cache, cluster-wide, with the written value: how room events reach the members
 * connected to other nodes, and how a node learns that a session it serves was taken over elsewhere. Kept apart from
 * {@link ExpiryListener} so that a cache whose writes nobody needs does not stream them to every node.
 */
@ClientListener(converterFactoryName = ExpiryListener.CONVERTER)
final class WriteListener<V> {

    private final ValueListeners<V> listeners;

    WriteListener(ValueListeners<V> listeners) {
        this.listeners = listeners;
    }

    @ClientCacheEntryCreated
    public void created(ClientCacheEntryCustomEvent<KeyValueWithPrevious<String, String>> event) {
        listeners.fire(event);
    }

    @ClientCacheEntryModified
    public void modified(ClientCacheEntryCustomEvent<KeyValueWithPrevious<String, String>> event) {
        listeners.fire(event);
    }
}

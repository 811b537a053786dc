package io.multistudio.engine.infinispan;

import org.infinispan.client.hotrod.annotation.ClientCacheEntryExpired;
import org.infinispan.client.hotrod.annotation.ClientListener;
import org.infinispan.client.hotrod.event.ClientCacheEntryCustomEvent;
import org.infinispan.commons.GlobalContextInitializer;
import org.infinispan.commons.marshall.Marshaller;
import org.infinispan.commons.marshall.ProtoStreamMarshaller;
import org.infinispan.commons.util.KeyValueWithPrevious;

/**
 * Hears of every expiry in one cache, cluster-wide, and hands the expired value to the map's listeners. A plain
 * expired event carries only the key, and the value is gone by then, so the server's built-in converter is asked to
 * ship the value along.
 */
@ClientListener(converterFactoryName = ExpiryListener.CONVERTER)
final class ExpiryListener<V> {

    /** Infinispan server's converter turning an event into a {@link KeyValueWithPrevious}. */
    static final String CONVERTER = "key-value-with-previous-converter-factory";

    private final ValueListeners<V> listeners;

    ExpiryListener(ValueListeners<V> listeners) {
        this.listeners = listeners;
    }

    /**
     * The converter's events are {@link KeyValueWithPrevious} messages, described by Infinispan's own
     * {@code global.commons} schema; a client that lacks it drops them with nothing but a warning. Neither the Hot Rod
     * client nor Quarkus registers that schema, so the engine does.
     */
    static void registerEventSchema(Marshaller marshaller) {
        if (!(marshaller instanceof ProtoStreamMarshaller protoStream)) {
            throw new IllegalArgumentException("The Infinispan engine needs the Hot Rod client's ProtoStream "
                    + "marshaller to read expiry events, not " + marshaller.getClass().getName());
        }
        if (!protoStream.getSerializationContext().canMarshall(KeyValueWithPrevious.class)) {
            protoStream.register(GlobalContextInitializer.INSTANCE);
        }
    }

    @ClientCacheEntryExpired
    public void expired(ClientCacheEntryCustomEvent<KeyValueWithPrevious<String, String>> event) {
        listeners.fire(event);
    }
}

package io.multistudio.engine;

import java.time.Duration;
import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * Where the cluster's shared state lives. The domain is written once against this interface; each engine only decides
 * how entries are stored, replaced atomically and expired.
 */
public interface Engine extends AutoCloseable {

    /** A value whose lifespan policy returns this never expires. */
    Duration IMMORTAL = Duration.ZERO;

    /**
     * The shared map called {@code name}. Repeated calls with the same name return maps over the same entries.
     *
     * @param type the value type, serialized as JSON where the engine leaves the process
     * @param lifespan how long a written value lives, {@link #IMMORTAL} for ever
     * @param expiry whether the map's expiries are listened to ({@link SharedMap#onExpired})
     */
    <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan, Expiry expiry);

    /** The shared map called {@code name}, its expiries listened to: {@link Expiry#LISTENED}. */
    default <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
        return map(name, type, lifespan, Expiry.LISTENED);
    }

    /** Whether the store answers now; a node whose store does not is not ready for clients. */
    Uni<Boolean> available();

    /** A short name for logs and health checks. */
    String name();

    /** Stops what the engine runs in the background. */
    @Override
    void close();

    /** How soon an engine must find the entries of a map that expired. */
    enum Expiry {
        /** Within about a second: the map's expiry listeners act on it (a session ends after its grace). */
        LISTENED,
        /**
         * Within about a minute: nobody listens, an expired entry is never read, and finding it only frees its
         * memory. On Infinispan, finding them is a scan of every entry of the cache, too costly every second for
         * a map as large as the rooms' history.
         */
        SILENT
    }
}

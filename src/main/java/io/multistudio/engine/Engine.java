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
     */
    <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan);

    /** Whether the store answers now; a node whose store does not is not ready for clients. */
    Uni<Boolean> available();

    /** A short name for logs and health checks. */
    String name();

    /** Stops what the engine runs in the background. */
    @Override
    void close();
}

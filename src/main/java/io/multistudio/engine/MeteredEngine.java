package io.multistudio.engine;

import java.time.Duration;
import java.util.function.Function;

import io.multistudio.observability.ServerMetrics;
import io.smallrye.mutiny.Uni;

/** An engine whose every operation is timed, whichever engine does the work. */
final class MeteredEngine implements Engine {

    private final Engine engine;
    private final ServerMetrics metrics;

    MeteredEngine(Engine engine, ServerMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan, Expiry expiry) {
        return new MeteredMap<>(engine.map(name, type, lifespan, expiry),
                operation -> metrics.engineOperation(engine.name(), name, operation));
    }

    @Override
    public Uni<Boolean> available() {
        return engine.available();
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public void close() {
        engine.close();
    }
}

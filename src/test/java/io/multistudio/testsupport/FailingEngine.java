package io.multistudio.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.engine.memory.MemoryEngine;
import io.smallrye.mutiny.Uni;

/**
 * The memory engine with one fault on demand: once {@link #failNextHistoryRead()} is called, the next read of several
 * history entries (a replay, a page of history) fails as a store timeout would. A test profile enables it as an
 * alternative.
 */
@Alternative
@Singleton
public class FailingEngine implements Engine {

    private final MemoryEngine engine = new MemoryEngine();
    private final AtomicBoolean failHistoryRead = new AtomicBoolean();

    public void failNextHistoryRead() {
        failHistoryRead.set(true);
    }

    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
        SharedMap<V> map = engine.map(name, type, lifespan);
        return name.equals("history") ? failingReads(map) : map;
    }

    /** {@code map}, except that {@code getAll} fails once when armed. */
    @SuppressWarnings("unchecked")
    private <V> SharedMap<V> failingReads(SharedMap<V> map) {
        Class<?>[] type = { SharedMap.class };
        return (SharedMap<V>) Proxy.newProxyInstance(SharedMap.class.getClassLoader(), type,
                (proxy, method, arguments) -> {
                    if (method.getName().equals("getAll") && failHistoryRead.compareAndSet(true, false)) {
                        return Uni.createFrom().failure(new StoreUnavailableException("injected: the store timed out",
                                null));
                    }
                    try {
                        return method.invoke(map, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Uni<Boolean> available() {
        return engine.available();
    }

    @Override
    public String name() {
        return "failing-memory";
    }

    @Override
    public void close() {
        engine.close();
    }
}

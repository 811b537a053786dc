package io.multistudio.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.engine.memory.MemoryEngine;
import io.smallrye.mutiny.Uni;

/**
 * The memory engine with faults on demand: once {@link #failNextHistoryRead()} is called, the next read of several
 * history entries (a replay, a page of history) fails as a store timeout would; while {@link #down(boolean)}, every
 * operation fails so and the store does not answer; once {@link #failNextPut(String)} is called, the next put into that
 * map fails so. A test profile enables it as an alternative.
 */
@Alternative
@Singleton
public class FailingEngine implements Engine {

    private final MemoryEngine engine = new MemoryEngine();
    private final AtomicBoolean failHistoryRead = new AtomicBoolean();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<String> failPut = new AtomicReference<>();

    public void failNextHistoryRead() {
        failHistoryRead.set(true);
    }

    /** The next put into the map called {@code map} fails as a store timeout would, and is not applied. */
    public void failNextPut(String map) {
        failPut.set(map);
    }

    /** Whether the store is gone: every operation fails as a timed-out one would. */
    public void down(boolean gone) {
        down.set(gone);
    }

    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
        return failing(name, engine.map(name, type, lifespan));
    }

    /** {@code map}, except that every operation fails while the store is down, and a history read once when armed. */
    @SuppressWarnings("unchecked")
    private <V> SharedMap<V> failing(String name, SharedMap<V> map) {
        Class<?>[] type = { SharedMap.class };
        return (SharedMap<V>) Proxy.newProxyInstance(SharedMap.class.getClassLoader(), type,
                (proxy, method, arguments) -> {
                    boolean historyRead = name.equals("history") && method.getName().equals("getAll");
                    boolean operation = method.getReturnType() == Uni.class;
                    boolean put = method.getName().equals("put") && failPut.compareAndSet(name, null);
                    if (operation && down.get() || put
                            || historyRead && failHistoryRead.compareAndSet(true, false)) {
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
        return down.get() ? Uni.createFrom().item(false) : engine.available();
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

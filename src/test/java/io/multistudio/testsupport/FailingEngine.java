package io.multistudio.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.infinispan.client.hotrod.RemoteCacheManager;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.engine.infinispan.InfinispanEngine;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.protocol.Codec;
import io.smallrye.mutiny.Uni;

/**
 * An engine with faults on demand, the memory engine or, with {@code multistudio.engine=infinispan}, the Infinispan
 * one: once {@link #failNextHistoryRead()} is called, the next read of several history entries (a replay, a page of
 * history) fails as a store timeout would; after {@link #failSessionUpdates(int)}, so do that many session updates;
 * once {@link #failNextPut(String)} is called, the next put into that map fails so, and is not applied; while
 * {@link #down(boolean)}, every operation fails so and the store does not answer. A test profile enables it as an
 * alternative.
 */
@Alternative
@Singleton
public class FailingEngine implements Engine {

    private final Engine engine;
    private final AtomicBoolean failHistoryRead = new AtomicBoolean();
    private final AtomicInteger failSessionUpdates = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<String> failPut = new AtomicReference<>();

    /** Over the memory engine. */
    public FailingEngine() {
        this.engine = new MemoryEngine();
    }

    @Inject
    FailingEngine(MultiStudioConfig config, Instance<RemoteCacheManager> cacheManager, Codec codec) {
        this.engine = config.engine() == MultiStudioConfig.EngineKind.INFINISPAN
                ? new InfinispanEngine(cacheManager.get(), codec.mapper(), config.storeTimeout())
                : new MemoryEngine();
    }

    public void failNextHistoryRead() {
        failHistoryRead.set(true);
    }

    /** The next {@code count} updates of a session (attach, detach, room, data) fail as a store timeout would. */
    public void failSessionUpdates(int count) {
        failSessionUpdates.set(count);
    }

    /** How many of the session updates armed by {@link #failSessionUpdates(int)} are still to fail. */
    public int sessionUpdatesToFail() {
        return failSessionUpdates.get();
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

    /** {@code map}, except that every operation fails while the store is down, and armed faults once each. */
    @SuppressWarnings("unchecked")
    private <V> SharedMap<V> failing(String name, SharedMap<V> map) {
        Class<?>[] type = { SharedMap.class };
        return (SharedMap<V>) Proxy.newProxyInstance(SharedMap.class.getClassLoader(), type,
                (proxy, method, arguments) -> {
                    boolean historyRead = name.equals("history") && method.getName().equals("getAll");
                    boolean sessionUpdate = name.equals("sessions") && method.getName().equals("update");
                    boolean operation = method.getReturnType() == Uni.class;
                    boolean put = method.getName().equals("put") && failPut.compareAndSet(name, null);
                    if (operation && down.get() || put || historyRead && failHistoryRead.compareAndSet(true, false)
                            || sessionUpdate && failSessionUpdates.getAndUpdate(left -> Math.max(left - 1, 0)) > 0) {
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

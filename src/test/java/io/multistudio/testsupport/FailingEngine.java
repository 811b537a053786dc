package io.multistudio.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

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
 * after {@link #applySessionUpdatesThenFail(int)}, that many are applied and still reported failed, as a write whose
 * answer timed out; once {@link #failNextPut(String)} is called, the next put into that map fails so, and is not
 * applied; after {@link #failNextClaim(Predicate)}, so does the next claim of a value it matches; while
 * {@link #down(boolean)}, every operation fails so and the store does not answer.
 * A test profile enables it as an alternative.
 */
@Alternative
@Singleton
public class FailingEngine implements Engine {

    private final Engine engine;
    private final AtomicBoolean failHistoryRead = new AtomicBoolean();
    private final AtomicInteger failSessionUpdates = new AtomicInteger();
    private final AtomicInteger appliedFailingSessionUpdates = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicReference<String> failPut = new AtomicReference<>();
    private final AtomicReference<Predicate<Object>> failClaim = new AtomicReference<>();

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

    /**
     * The next {@code count} updates of a session are applied, then reported failed as a store timeout would: the
     * write went through, its answer did not.
     */
    public void applySessionUpdatesThenFail(int count) {
        appliedFailingSessionUpdates.set(count);
    }

    /** The next put into the map called {@code map} fails as a store timeout would, and is not applied. */
    public void failNextPut(String map) {
        failPut.set(map);
    }

    /** The next claim, in any map, of a value that {@code value} matches fails as a store timeout would, unapplied. */
    public void failNextClaim(Predicate<Object> value) {
        failClaim.set(value);
    }

    /** Whether the store is gone: every operation fails as a timed-out one would. */
    public void down(boolean gone) {
        down.set(gone);
    }

    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan, Expiry expiry) {
        return failing(name, engine.map(name, type, lifespan, expiry));
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
                    boolean claim = method.getName().equals("claim") && claimFails(arguments[1]);
                    if (operation && down.get() || put || claim
                            || historyRead && failHistoryRead.compareAndSet(true, false)
                            || sessionUpdate && takeOne(failSessionUpdates)) {
                        return Uni.createFrom().failure(timedOut());
                    }
                    Object result;
                    try {
                        result = method.invoke(map, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return sessionUpdate && takeOne(appliedFailingSessionUpdates)
                            ? ((Uni<?>) result).onItem().failWith(FailingEngine::timedOut)
                            : result;
                });
    }

    private boolean claimFails(Object value) {
        Predicate<Object> armed = failClaim.get();
        return armed != null && armed.test(value) && failClaim.compareAndSet(armed, null);
    }

    private static boolean takeOne(AtomicInteger left) {
        return left.getAndUpdate(count -> Math.max(count - 1, 0)) > 0;
    }

    private static StoreUnavailableException timedOut() {
        return new StoreUnavailableException("injected: the store timed out", null);
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

package io.multistudio.abuse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.memory.MemoryEngine;
import io.smallrye.mutiny.Uni;

/**
 * A slow store, for tests that need requests to take a while: the memory engine, each operation answering
 * {@link #DELAY} late, on another thread. Only a test profile that enables this alternative uses it (no
 * {@code @Priority}: that would enable it for every test).
 */
@Alternative
@Singleton
public class SlowStore {

    static final Duration DELAY = Duration.ofMillis(10);

    @Produces
    @Alternative
    @Singleton
    Engine engine() {
        return slowed(new MemoryEngine(), Engine.class);
    }

    void close(@Disposes Engine engine) {
        engine.close();
    }

    /** {@code target} with every answer that is a {@link Uni} delayed, and every map it makes slowed the same way. */
    @SuppressWarnings("unchecked")
    private static <T> T slowed(T target, Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            Object answer;
            try {
                answer = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (answer instanceof SharedMap<?> map) {
                return slowed(map, SharedMap.class);
            }
            return answer instanceof Uni<?> later ? later.onItem().delayIt().by(DELAY) : answer;
        });
    }
}

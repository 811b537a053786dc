package io.multistudio.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry reporting without the engine's sweeper thread, so that each test decides who finds an expired entry first:
 * a write or {@link MemoryMap#sweep()}.
 */
class MemoryMapTest {

    private static final Duration LIFESPAN = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final MemoryMap<String> map = new MemoryMap<>(value -> LIFESPAN);
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() {
        map.onExpired(expired::add);
    }

    @Test
    void sweepReportsAnExpiredEntryOnce() {
        putAndLetExpire("k", "old");

        map.sweep();
        map.sweep();

        assertThat(expired).containsExactly("old");
    }

    @Test
    void aWriteThatDisplacesAnExpiredEntryReportsIt() {
        putAndLetExpire("k", "old");

        map.update("k", current -> current == null ? "new" : current).await().atMost(TIMEOUT);
        map.sweep();

        assertThat(expired).containsExactly("old");
        assertThat(map.get("k").await().atMost(TIMEOUT)).isEqualTo("new");
    }

    @Test
    void removingAnExpiredEntryReportsIt() {
        putAndLetExpire("k", "old");

        map.remove("k").await().atMost(TIMEOUT);
        map.sweep();

        assertThat(expired).containsExactly("old");
    }

    @Test
    void aFailingListenerNeitherHidesTheExpiryFromOthersNorBreaksTheSweep() {
        MemoryMap<String> failing = new MemoryMap<>(value -> LIFESPAN);
        failing.onExpired(value -> {
            throw new IllegalStateException("listener bug");
        });
        failing.onExpired(expired::add);
        failing.put("k", "old").await().atMost(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> failing.get("k").await().atMost(TIMEOUT) == null);

        failing.sweep();

        assertThat(expired).containsExactly("old");
    }

    private void putAndLetExpire(String key, String value) {
        map.put(key, value).await().atMost(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> map.get(key).await().atMost(TIMEOUT) == null);
        assertThat(expired).isEmpty();
    }
}

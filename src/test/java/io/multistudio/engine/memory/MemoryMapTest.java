package io.multistudio.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry reporting without the engine's expiry thread, so that each test decides who finds an expired entry first:
 * a write or {@link MemoryMap#expire()}.
 */
class MemoryMapTest {

    private static final Duration LIFESPAN = Duration.ofMillis(50);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** A value named "new" lives long, so that it outlives the checks that the one it displaced was reported. */
    private final MemoryMap<String> map = new MemoryMap<>(
            value -> "new".equals(value) ? Duration.ofHours(1) : LIFESPAN);
    private final List<String> expired = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() {
        map.onExpired(expired::add);
    }

    @Test
    void expiryReportsAnExpiredEntryOnceItsTickHasPassed() {
        putAndLetExpire("k", "old");

        expireUntilReported(map);
        map.expire();

        assertThat(expired).containsExactly("old");
    }

    @Test
    void anEntryRewrittenBeforeItsDeadlineLivesOn() {
        map.put("k", "old").await().atMost(TIMEOUT);
        map.put("k", "new").await().atMost(TIMEOUT);
        map.put("other", "old").await().atMost(TIMEOUT);

        expireUntilReported(map);
        waitForTheTick();
        map.expire();

        assertThat(expired).containsExactly("old");
        assertThat(map.get("k").await().atMost(TIMEOUT)).isEqualTo("new");
    }

    @Test
    void aWriteThatDisplacesAnExpiredEntryReportsIt() {
        putAndLetExpire("k", "old");

        map.update("k", current -> current == null ? "new" : current).await().atMost(TIMEOUT);
        waitForTheTick();
        map.expire();

        assertThat(expired).containsExactly("old");
        assertThat(map.get("k").await().atMost(TIMEOUT)).isEqualTo("new");
    }

    @Test
    void removingAnExpiredEntryReportsIt() {
        putAndLetExpire("k", "old");

        map.remove("k").await().atMost(TIMEOUT);
        waitForTheTick();
        map.expire();

        assertThat(expired).containsExactly("old");
    }

    @Test
    void aFailingListenerNeitherHidesTheExpiryFromOthersNorBreaksTheExpiry() {
        MemoryMap<String> failing = new MemoryMap<>(value -> LIFESPAN);
        failing.onExpired(value -> {
            throw new IllegalStateException("listener bug");
        });
        failing.onExpired(expired::add);
        failing.put("k", "old").await().atMost(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> failing.get("k").await().atMost(TIMEOUT) == null);

        expireUntilReported(failing);

        assertThat(expired).containsExactly("old");
    }

    /** Expiry runs until it reports something: the entry's deadline tick ends up to one tick after it expired. */
    private void expireUntilReported(MemoryMap<String> expiring) {
        await().atMost(TIMEOUT).until(() -> {
            expiring.expire();
            return !expired.isEmpty();
        });
    }

    /** Until every deadline so far is due, so that an expiry that finds nothing shows there is nothing to find. */
    private static void waitForTheTick() {
        long due = System.currentTimeMillis() + MemoryMap.EXPIRY_TICK.toMillis() + LIFESPAN.toMillis();
        await().atMost(TIMEOUT).until(() -> System.currentTimeMillis() > due);
    }

    private void putAndLetExpire(String key, String value) {
        map.put(key, value).await().atMost(TIMEOUT);
        await().atMost(TIMEOUT).until(() -> map.get(key).await().atMost(TIMEOUT) == null);
        assertThat(expired).isEmpty();
    }
}

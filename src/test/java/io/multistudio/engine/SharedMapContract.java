package io.multistudio.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.engine.SharedMap.Change;
import io.multistudio.protocol.Codec;
import io.smallrye.mutiny.Uni;

/**
 * What every {@link Engine} must do, run against each of them. Every test gets a map of its own, so that tests
 * neither see each other's entries nor hear each other's expiries.
 */
abstract class SharedMapContract {

    /** A value whose name starts with this lives {@link #SHORT_LIFESPAN}; any other is immortal. */
    private static final String MORTAL = "mortal";
    private static final Duration SHORT_LIFESPAN = Duration.ofSeconds(1);
    /** Expiry is seen within a second of the lifespan (Infinispan's reaper interval), plus slack for a slow machine. */
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(10);
    /** How long a second expiry report would take to show up if there were one. */
    private static final Duration DUPLICATE_WAIT = Duration.ofMillis(2500);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Codec CODEC = new Codec();

    private SharedMap<Sample> map;

    /** The engine under test, shared by the tests of a class. */
    protected abstract Engine engine();

    @BeforeEach
    void createMap() {
        map = engine().map("contract-" + UUID.randomUUID(), Sample.class,
                sample -> sample.name().startsWith(MORTAL) ? SHORT_LIFESPAN : Engine.IMMORTAL);
    }

    @Test
    void getOfAnAbsentKeyIsNull() {
        assertThat(join(map.get("absent"))).isNull();
    }

    @Test
    void getReturnsWhatPutWrote() {
        Sample value = sample("ada", 7);

        join(map.put("k", value));

        assertThat(join(map.get("k"))).isEqualTo(value);
    }

    @Test
    void putReplacesTheValue() {
        join(map.put("k", sample("ada", 1)));

        join(map.put("k", sample("ada", 2)));

        assertThat(join(map.get("k"))).isEqualTo(sample("ada", 2));
    }

    @Test
    void putIfAbsentWritesOnlyTheFirstValue() {
        assertThat(join(map.putIfAbsent("k", sample("first", 1)))).isTrue();
        assertThat(join(map.putIfAbsent("k", sample("second", 2)))).isFalse();

        assertThat(join(map.get("k"))).isEqualTo(sample("first", 1));
    }

    @Test
    void claimWritesOnlyTheFirstValueAndReturnsItToLaterClaims() {
        assertThat(join(map.claim("k", sample("first", 1)))).isNull();
        assertThat(join(map.claim("k", sample("second", 2)))).isEqualTo(sample("first", 1));

        assertThat(join(map.get("k"))).isEqualTo(sample("first", 1));
    }

    @Test
    void updateOfAnAbsentKeyCreatesTheValue() {
        Change<Sample> change = join(map.update("k", current -> current == null ? sample("new", 1) : current));

        assertThat(change.before()).isNull();
        assertThat(change.after()).isEqualTo(sample("new", 1));
        assertThat(change.changed()).isTrue();
        assertThat(join(map.get("k"))).isEqualTo(sample("new", 1));
    }

    @Test
    void updateReplacesTheValueAndTellsBeforeAndAfter() {
        join(map.put("k", sample("ada", 1)));

        Change<Sample> change = join(map.update("k", current -> current.withCount(current.count() + 1)));

        assertThat(change.before()).isEqualTo(sample("ada", 1));
        assertThat(change.after()).isEqualTo(sample("ada", 2));
        assertThat(change.changed()).isTrue();
        assertThat(join(map.get("k"))).isEqualTo(sample("ada", 2));
    }

    @Test
    void updateReturningTheCurrentValueChangesNothing() {
        join(map.put("k", sample("ada", 1)));

        Change<Sample> change = join(map.update("k", current -> current));

        assertThat(change.changed()).isFalse();
        assertThat(change.after()).isSameAs(change.before()).isEqualTo(sample("ada", 1));
        assertThat(join(map.get("k"))).isEqualTo(sample("ada", 1));
    }

    @Test
    void updateOfAnAbsentKeyReturningNullChangesNothing() {
        Change<Sample> change = join(map.update("k", current -> null));

        assertThat(change).isEqualTo(new Change<Sample>(null, null));
        assertThat(change.changed()).isFalse();
        assertThat(join(map.get("k"))).isNull();
    }

    @Test
    void updateReturningNullRemovesTheValue() {
        join(map.put("k", sample("ada", 1)));

        Change<Sample> change = join(map.update("k", current -> null));

        assertThat(change.before()).isEqualTo(sample("ada", 1));
        assertThat(change.after()).isNull();
        assertThat(change.changed()).isTrue();
        assertThat(join(map.get("k"))).isNull();
    }

    @Test
    void updateThatThrowsFailsWithTheExceptionAndKeepsTheValue() {
        join(map.put("k", sample("ada", 1)));
        IllegalStateException refused = new IllegalStateException("refused");

        assertThatThrownBy(() -> join(map.update("k", current -> {
            throw refused;
        }))).isSameAs(refused);

        assertThat(join(map.get("k"))).isEqualTo(sample("ada", 1));
    }

    @Test
    void concurrentUpdatesAreAllApplied() throws Exception {
        int threads = 4;
        int incrementsPerThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        // Released together, so that the threads really contend instead of running one after the other.
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < incrementsPerThread; i++) {
                        join(map.update("counter", current -> current == null
                                ? sample("counter", 1)
                                : current.withCount(current.count() + 1)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(join(map.get("counter")).count()).isEqualTo(threads * incrementsPerThread);
    }

    @Test
    void getAllReturnsOnlyThePresentKeys() {
        join(map.put("a", sample("a", 1)));
        join(map.put("b", sample("b", 2)));

        Map<String, Sample> found = join(map.getAll(Set.of("a", "b", "absent")));

        assertThat(found).isEqualTo(Map.of("a", sample("a", 1), "b", sample("b", 2)));
    }

    @Test
    void getAllOfNoKeysIsEmpty() {
        assertThat(join(map.getAll(Set.of()))).isEmpty();
    }

    @Test
    void valuesReturnsEveryValue() {
        join(map.put("a", sample("a", 1)));
        join(map.put("b", sample("b", 2)));
        join(map.put("c", sample("c", 3)));
        join(map.remove("c"));

        assertThat(join(map.values())).containsExactlyInAnyOrder(sample("a", 1), sample("b", 2));
    }

    @Test
    void valuesOfAnEmptyMapIsEmpty() {
        assertThat(join(map.values())).isEmpty();
    }

    @Test
    void sizeCountsTheEntriesWrittenAndNotRemoved() {
        assertThat(join(map.size())).isZero();
        join(map.put("a", sample("a", 1)));
        join(map.put("b", sample("b", 2)));
        join(map.put("b", sample("b", 3)));
        join(map.update("c", current -> sample("c", 1)));
        join(map.update("a", current -> null));

        assertThat(join(map.size())).isEqualTo(2);
    }

    @Test
    void anExpiredValueLeavesTheSize() {
        join(map.put("short", sample(MORTAL, 1)));
        join(map.put("long", sample("immortal", 1)));
        assertThat(join(map.size())).isEqualTo(2);

        await().atMost(EXPIRY_WAIT).until(() -> join(map.size()) == 1);
    }

    @Test
    void removeDeletesTheValue() {
        join(map.put("k", sample("ada", 1)));

        join(map.remove("k"));
        join(map.remove("absent"));

        assertThat(join(map.get("k"))).isNull();
    }

    @Test
    void aValueOfAMapWhoseExpiriesNobodyHearsIsNotReadPastItsLifespan() {
        SharedMap<Sample> silent = engine().map("contract-" + UUID.randomUUID(), Sample.class,
                sample -> sample.name().startsWith(MORTAL) ? SHORT_LIFESPAN : Engine.IMMORTAL, Engine.Expiry.SILENT);
        join(silent.put("short", sample(MORTAL, 1)));
        join(silent.put("long", sample("immortal", 1)));

        await().atMost(EXPIRY_WAIT).until(() -> join(silent.get("short")) == null);

        assertThat(join(silent.getAll(Set.of("short", "long")))).containsOnlyKeys("long");
        assertThat(join(silent.values())).containsExactly(sample("immortal", 1));
    }

    @Test
    void aValueExpiresAfterTheLifespanItsPolicyGives() {
        join(map.put("short", sample(MORTAL, 1)));
        join(map.put("long", sample("immortal", 1)));

        await().atMost(EXPIRY_WAIT).until(() -> join(map.get("short")) == null);

        assertThat(join(map.get("long"))).isEqualTo(sample("immortal", 1));
        assertThat(join(map.values())).containsExactly(sample("immortal", 1));
    }

    @Test
    void onWrittenReportsEveryCreatedOrReplacedValue() {
        List<Sample> written = new CopyOnWriteArrayList<>();
        map.onWritten(written::add);

        join(map.put("a", sample("first", 1)));
        join(map.putIfAbsent("a", sample("refused", 2)));
        join(map.putIfAbsent("b", sample("second", 3)));
        join(map.update("a", current -> sample(current.name(), current.count() + 10)));
        join(map.update("a", current -> current));
        join(map.update("b", current -> null));

        await().atMost(TIMEOUT).until(() -> written.size() >= 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> written.size() == 3);
        assertThat(written).containsExactly(sample("first", 1), sample("second", 3), sample("first", 11));
    }

    @Test
    void onExpiredReportsTheExpiredValueOnce() {
        List<Sample> expired = listenToExpiries();

        join(map.put("short", sample(MORTAL, 1)));
        join(map.put("long", sample("immortal", 1)));

        await().atMost(EXPIRY_WAIT).until(() -> !expired.isEmpty());
        await().during(DUPLICATE_WAIT).atMost(DUPLICATE_WAIT.plusSeconds(5)).until(() -> expired.size() == 1);
        assertThat(expired).containsExactly(sample(MORTAL, 1));
    }

    @Test
    void anExpiredValueFoundByAnUpdateIsReportedOnce() {
        List<Sample> expired = listenToExpiries();
        join(map.put("k", sample(MORTAL, 1)));
        await().atMost(EXPIRY_WAIT).until(() -> join(map.get("k")) == null);

        Change<Sample> change = join(map.update("k", current -> current == null ? sample("fresh", 1) : current));

        assertThat(change.before()).isNull();
        await().atMost(EXPIRY_WAIT).until(() -> !expired.isEmpty());
        await().during(DUPLICATE_WAIT).atMost(DUPLICATE_WAIT.plusSeconds(5)).until(() -> expired.size() == 1);
        assertThat(expired).containsExactly(sample(MORTAL, 1));
        assertThat(join(map.get("k"))).isEqualTo(sample("fresh", 1));
    }

    @Test
    void aValueReplacedByAnImmortalOneBeforeItsLifespanEndsDoesNotExpire() {
        List<Sample> expired = listenToExpiries();

        join(map.put("k", sample(MORTAL, 1)));
        join(map.put("k", sample("immortal", 2)));

        await().during(SHORT_LIFESPAN.plus(DUPLICATE_WAIT)).atMost(SHORT_LIFESPAN.plus(DUPLICATE_WAIT).plusSeconds(5))
                .until(() -> expired.isEmpty() && sample("immortal", 2).equals(join(map.get("k"))));
    }

    private List<Sample> listenToExpiries() {
        List<Sample> expired = new CopyOnWriteArrayList<>();
        map.onExpired(expired::add);
        return expired;
    }

    private static <T> T join(Uni<T> operation) {
        return operation.await().atMost(TIMEOUT);
    }

    /** Carries a nested JSON object, to prove that values come back from the engine's storage whole. */
    private static Sample sample(String name, int count) {
        ObjectNode extra = CODEC.mapper().createObjectNode();
        extra.put("colour", "teal");
        extra.putObject("position").put("x", count).put("y", -count);
        extra.putArray("tags").add("a").add(count);
        return new Sample(name, count, extra);
    }

    record Sample(String name, int count, ObjectNode extra) {

        Sample withCount(int newCount) {
            return sample(name, newCount);
        }
    }
}

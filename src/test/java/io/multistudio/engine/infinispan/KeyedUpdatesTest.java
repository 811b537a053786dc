package io.multistudio.engine.infinispan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.multistudio.engine.SharedMap.Change;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/** Updates of one key wait for the write on its way, then go together, each seeing what the one before left. */
class KeyedUpdatesTest {

    /** The stored values, and the writes started and not finished yet, in order. */
    private final Map<String, Integer> store = new ConcurrentHashMap<>();
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();
    private final AtomicInteger storeWrites = new AtomicInteger();
    private final KeyedUpdates<Integer> updates = new KeyedUpdates<>((key, group) -> {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writes.add(done);
        return Uni.createFrom().completionStage(done).invoke(() -> {
            Integer before = store.get(key);
            Integer after = group.apply(before);
            if (after != before) {
                storeWrites.incrementAndGet();
                store.put(key, after);
            }
        });
    });

    @Test
    void updatesAskedForDuringAWriteGoTogetherInTheNextOne() {
        UniAssertSubscriber<Change<Integer>> first = add("room", 1);
        UniAssertSubscriber<Change<Integer>> second = add("room", 10);
        UniAssertSubscriber<Change<Integer>> third = add("room", 100);
        assertThat(writes).hasSize(1);

        writes.get(0).complete(null);
        first.assertItem(new Change<>(null, 1));
        second.assertNotTerminated();
        assertThat(writes).hasSize(2);

        writes.get(1).complete(null);
        second.assertItem(new Change<>(1, 11));
        third.assertItem(new Change<>(11, 111));
        assertThat(store).containsEntry("room", 111);
        assertThat(storeWrites).hasValue(2);
    }

    @Test
    void otherKeysDoNotWait() {
        add("a", 1);
        add("b", 1);

        assertThat(writes).hasSize(2);
    }

    @Test
    void aRefusedUpdateFailsAloneAndChangesNothing() {
        add("room", 1);
        IllegalStateException full = new IllegalStateException("full");
        UniAssertSubscriber<Change<Integer>> refused = updates.update("room", current -> {
            if (current >= 1) {
                throw full;
            }
            return current + 1;
        }).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Change<Integer>> after = add("room", 5);

        writes.get(0).complete(null);
        writes.get(1).complete(null);

        refused.assertFailedWith(IllegalStateException.class, "full");
        after.assertItem(new Change<>(1, 6));
    }

    @Test
    void aFailedWriteFailsItsWholeGroupAndTheNextGroupStillRuns() {
        add("room", 1);
        UniAssertSubscriber<Change<Integer>> second = add("room", 2);
        UniAssertSubscriber<Change<Integer>> third = add("room", 3);
        writes.get(0).complete(null);
        UniAssertSubscriber<Change<Integer>> late = add("room", 4);

        writes.get(1).completeExceptionally(new IllegalStateException("store down"));
        second.assertFailedWith(IllegalStateException.class, "store down");
        third.assertFailedWith(IllegalStateException.class, "store down");

        writes.get(2).complete(null);
        late.assertItem(new Change<>(1, 5));
    }

    @Test
    void anUpdateReturningTheCurrentValueWritesNothing() {
        store.put("room", 7);
        UniAssertSubscriber<Change<Integer>> same = updates.update("room", current -> current)
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        writes.get(0).complete(null);

        same.assertItem(new Change<>(7, 7));
        assertThat(storeWrites).hasValue(0);
    }

    @Test
    void aWriteThatThrowsBeforeItStartsFailsItsGroupAndFreesTheKey() {
        AtomicInteger attempts = new AtomicInteger();
        KeyedUpdates<Integer> throwing = new KeyedUpdates<>((key, group) -> {
            if (attempts.getAndIncrement() == 0) {
                throw new IllegalStateException("no store");
            }
            return Uni.createFrom().voidItem().invoke(() -> group.apply(null));
        });

        throwing.update("room", current -> 1).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(IllegalStateException.class, "no store");
        throwing.update("room", current -> 2).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertItem(new Change<>(null, 2));
    }

    private UniAssertSubscriber<Change<Integer>> add(String key, int amount) {
        return updates.update(key, current -> current == null ? amount : current + amount)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
    }
}

package io.multistudio.engine;

import java.util.Collection;
import java.util.function.Function;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Runs one store operation per item, a bounded number at a time, however many items there are. Mutiny's
 * {@code Uni.join().all(...).usingConcurrencyOf(n)} subscribes to the next operation from inside the completion of the
 * previous one: over the memory engine, whose operations complete as they are subscribed, a few thousand of them
 * nest that deep on the stack and overflow it, and the join then never completes (the error is dropped). A
 * {@link Multi} merge takes the next item from its drain loop instead, so the stack stays flat.
 */
public final class Concurrently {

    private Concurrently() {
    }

    /**
     * {@code operation} of every item, at most {@code concurrency} at a time; done when all are. An operation must not
     * fail (recover it where it is made): a failure ends the whole and cancels what has not started.
     */
    public static <T> Uni<Void> each(Collection<T> items, int concurrency, Function<T, Uni<?>> operation) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(items)
                // An item per operation that completed: a Multi carries no nulls, whatever the operation yields.
                .onItem().transformToUni(item -> operation.apply(item).replaceWith(Boolean.TRUE)).merge(concurrency)
                .onItem().ignoreAsUni();
    }
}

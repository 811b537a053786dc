package io.multistudio.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** Small helpers for the futures the client's thread completes. */
final class Futures {

    private Futures() {
    }

    static <T> void relay(CompletableFuture<? extends T> from, CompletableFuture<T> to) {
        from.whenComplete((value, failure) -> {
            if (failure != null) {
                to.completeExceptionally(failure);
            } else {
                to.complete(value);
            }
        });
    }

    /** Runs {@code task} on {@code loop} with the future it is to complete. */
    static <T> CompletableFuture<T> on(Executor loop, Consumer<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> task.accept(result));
        return result;
    }
}

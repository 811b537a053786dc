package io.multistudio.engine.infinispan;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.multistudio.engine.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Bounds the engine's store calls in time: the calls in flight are kept in a set, and one thread fails those past
 * their deadline, looking every tenth of the timeout. A timer per call, armed when it starts and cancelled when it
 * answers (Mutiny's {@code ifNoItem().after}), took 5% of the application's CPU samples on the Infinispan engine at
 * 15,000 room events a second, two store calls each; the set's bookkeeping takes under 1%, and no call is held once
 * it answered. A call that does not answer fails between its timeout and a tenth of it later.
 */
final class CallDeadlines implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CallDeadlines.class);
    private static final long SHORTEST_SWEEP_MILLIS = 10;

    private final Duration timeout;
    private final long timeoutNanos;
    private final Set<Call<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "multistudio-store-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    CallDeadlines(Duration timeout) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        long sweep = Math.max(SHORTEST_SWEEP_MILLIS, timeout.toMillis() / 10);
        sweeper.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * The result of {@code operation}, or {@link StoreUnavailableException} when it has none within the timeout; the
     * operation's future is then cancelled, so that the client forgets it instead of holding it until the store
     * answers. Cancelling the subscription cancels the future too.
     */
    <T> Uni<T> bound(Supplier<CompletionStage<T>> operation) {
        return Uni.createFrom().emitter(emitter -> {
            CompletableFuture<T> future = operation.get().toCompletableFuture();
            Call<T> call = new Call<>(System.nanoTime() + timeoutNanos, emitter);
            inFlight.add(call);
            emitter.onTermination(() -> {
                inFlight.remove(call);
                future.cancel(false);
            });
            future.whenComplete(call);
        });
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Call<?> call : inFlight) {
            if (now - call.deadline >= 0) {
                try {
                    call.emitter.fail(notAnswered(timeout));
                } catch (RuntimeException e) {
                    // A caller's failure handler threw: the other calls must still time out.
                    inFlight.remove(call);
                    LOG.warnf(e, "A store call's failure handler failed");
                }
            }
        }
    }

    /** How a call that took longer than {@code timeout} fails. */
    static StoreUnavailableException notAnswered(Duration timeout) {
        return new StoreUnavailableException("Infinispan did not answer within " + timeout, null);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    /** One call in flight; identity is what tells two calls apart. */
    private static final class Call<T> implements BiConsumer<T, Throwable> {

        private final long deadline;
        private final UniEmitter<? super T> emitter;

        Call(long deadline, UniEmitter<? super T> emitter) {
            this.deadline = deadline;
            this.emitter = emitter;
        }

        @Override
        public void accept(T item, Throwable failure) {
            if (failure == null) {
                emitter.complete(item);
            } else {
                emitter.fail(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        }
    }
}

package io.multistudio.engine;

import java.time.Duration;

import io.smallrye.mutiny.Uni;

/**
 * Tries again a store write that lost an optimistic race, a bounded number of times with a growing, jittered pause,
 * so that writers contending for one entry spread out instead of spinning on the store; past the cap the request is
 * answered as a store failure rather than retried for ever.
 */
public final class Retries {

    /** Pause before the first retry; it doubles up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(1);
    static final Duration MAX_PAUSE = Duration.ofMillis(50);
    private static final double JITTER = 0.5;

    private Retries() {
    }

    /**
     * {@code operation}, subscribed again while it fails with {@code lost}, {@code attempts} times in all; then a
     * {@link StoreUnavailableException} saying {@code what} kept losing. {@code counted} runs on every lost race.
     */
    public static <T> Uni<T> whileLosing(Uni<T> operation, Class<? extends Throwable> lost, int attempts,
            String what, Runnable counted) {
        return operation.onFailure(lost).invoke(counted).onFailure(lost).retry()
                .withBackOff(FIRST_PAUSE, MAX_PAUSE).withJitter(JITTER)
                .atMost(attempts - 1)
                .onFailure(lost).transform(failure -> new StoreUnavailableException(
                        what + " lost " + attempts + " races in a row", failure));
    }
}

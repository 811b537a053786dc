package io.multistudio.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.mutiny.Uni;

/**
 * Tries again a store write that lost an optimistic race, a bounded number of times with a growing, jittered pause,
 * so that writers contending for one entry spread out instead of spinning on the store; past the cap the request is
 * answered as a store failure rather than retried for ever. Mutiny's retry builds a processor and its queue when it
 * is subscribed, so it is only reached once a first attempt lost: most writes win at once (every room event is one),
 * and pay for a plain subscription only.
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
        if (attempts < 3) {
            throw new IllegalArgumentException("attempts must be at least 3");
        }
        Uni<T> counting = operation.onFailure(lost).invoke(counted);
        return counting.onFailure(lost).recoverWithUni(() -> again(counting, lost, attempts - 1))
                .onFailure(lost).transform(failure -> new StoreUnavailableException(
                        what + " lost " + attempts + " races in a row", failure));
    }

    /** After a first lost race: {@code attempts} more, the first after {@link #FIRST_PAUSE}, each pause doubling. */
    private static <T> Uni<T> again(Uni<T> operation, Class<? extends Throwable> lost, int attempts) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(jittered(FIRST_PAUSE))
                .chain(() -> operation.onFailure(lost).retry()
                        .withBackOff(FIRST_PAUSE.multipliedBy(2), MAX_PAUSE).withJitter(JITTER)
                        .atMost(attempts - 1));
    }

    private static Duration jittered(Duration pause) {
        double factor = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) (pause.toNanos() * factor));
    }
}

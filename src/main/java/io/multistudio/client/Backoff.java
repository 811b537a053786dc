package io.multistudio.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with equal jitter: attempt {@code n} waits between half and all of
 * {@code min(max, initial * 2^n)}, so that clients cut off together do not come back together, and none waits
 * longer than {@code max}.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The delay before reconnect attempt {@code attempt}, counted from 0. */
    Duration delay(int attempt) {
        // Past 2^30 the ceiling is the maximum anyway; the shift must not overflow.
        long ceiling = attempt >= 30 ? maxMillis : Math.min(maxMillis, initialMillis << attempt);
        return Duration.ofMillis(ceiling / 2 + Math.round(random.getAsDouble() * (ceiling - ceiling / 2)));
    }
}

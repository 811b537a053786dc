package io.multistudio.backend;

import java.time.Duration;

/** Exponential backoff: the first retry after {@code first}, each next one twice as late, never later than {@code max}. */
record Backoff(Duration first, Duration max) {

    /** The wait after the {@code failures}-th failed attempt (from 1). */
    long delayMillis(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        return Math.min(first.toMillis() << doublings, max.toMillis());
    }
}

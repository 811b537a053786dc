package io.multistudio.transport;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * One connection's message budget: a Bucket4j token bucket (the average rate plus a burst), and a count of refused
 * messages over a fixed window that tells a client that keeps hammering from one that briefly went too fast.
 */
public final class RateLimit {

    /** What to do with an incoming message. */
    public enum Verdict {
        ACCEPT,
        REFUSE,
        CLOSE
    }

    private final Bucket bucket;
    private final int abuseLimit;
    private final long abuseWindowNanos;
    private long windowStart = System.nanoTime();
    private int refusedInWindow;

    public RateLimit(int perSecond, int burst, int abuseLimit, Duration abuseWindow) {
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
        this.abuseLimit = abuseLimit;
        this.abuseWindowNanos = abuseWindow.toNanos();
    }

    /** Messages of one connection are handled one at a time, so this needs no lock of its own. */
    public Verdict admit() {
        if (bucket.tryConsume(1)) {
            return Verdict.ACCEPT;
        }
        long now = System.nanoTime();
        if (now - windowStart > abuseWindowNanos) {
            windowStart = now;
            refusedInWindow = 0;
        }
        return ++refusedInWindow > abuseLimit ? Verdict.CLOSE : Verdict.REFUSE;
    }
}

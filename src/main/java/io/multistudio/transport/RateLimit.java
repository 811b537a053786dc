package io.multistudio.transport;

import java.time.Duration;

/**
 * One connection's message budget: a token bucket (the average rate plus a burst, refilled continuously), and a count
 * of refused messages over a fixed window that tells a client that keeps hammering from one that briefly went too
 * fast. A few fields per connection: every open connection has one, so it is kept as small as the rule allows.
 */
public final class RateLimit {

    private static final double NANOS_PER_SECOND = 1e9;

    /** What to do with an incoming message. */
    public enum Verdict {
        ACCEPT,
        REFUSE,
        CLOSE
    }

    private final int burst;
    private final double tokensPerNano;
    private final int abuseLimit;
    private final long abuseWindowNanos;
    /** Starts full, like a connection that has sent nothing yet. */
    private double tokens;
    private long refilledAt = System.nanoTime();
    private long windowStart = refilledAt;
    private int refusedInWindow;

    public RateLimit(int perSecond, int burst, int abuseLimit, Duration abuseWindow) {
        this.burst = burst;
        this.tokens = burst;
        this.tokensPerNano = perSecond / NANOS_PER_SECOND;
        this.abuseLimit = abuseLimit;
        this.abuseWindowNanos = abuseWindow.toNanos();
    }

    /** Messages of one connection are handled one at a time, so this needs no lock of its own. */
    public Verdict admit() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens--;
            return Verdict.ACCEPT;
        }
        if (now - windowStart > abuseWindowNanos) {
            windowStart = now;
            refusedInWindow = 0;
        }
        return ++refusedInWindow > abuseLimit ? Verdict.CLOSE : Verdict.REFUSE;
    }
}

package io.multistudio.cluster;

import java.time.Duration;

/**
 * What the lease renewals say about a store that does not answer: the renewal runs every few seconds, and a line for
 * each failed one would bury every other log line of a long outage. So: one warning when the store goes away, with
 * the failure, then a reminder at most once a {@link #REMINDER} while it stays away, and one line when it is back.
 * It only decides what to say; the caller logs it.
 */
final class OutageLog {

    static final Duration REMINDER = Duration.ofMinutes(1);

    private final String nodeId;
    /** When the failures began ({@code System.currentTimeMillis()}), -1 while the store answers; guarded by this. */
    private long failingSince = -1;
    private long remindedAt;
    private int failures;

    OutageLog(String nodeId) {
        this.nodeId = nodeId;
    }

    /** A renewal failed at {@code now}; returns the warning to log, {@code null} if it was said recently enough. */
    synchronized String failed(long now, String failure) {
        failures++;
        if (failingSince < 0) {
            failingSince = now;
            remindedAt = now;
            return String.format("Node %s cannot renew its lease, the store does not answer: %s (tried again every"
                    + " %d s, reported at most once a minute until it answers)", nodeId, failure,
                    NodeRegistry.RENEWAL.toSeconds());
        }
        if (now - remindedAt < REMINDER.toMillis()) {
            return null;
        }
        remindedAt = now;
        return String.format("Node %s still cannot renew its lease after %d s (%d renewals failed): %s", nodeId,
                (now - failingSince) / 1000, failures, failure);
    }

    /** A renewal succeeded at {@code now}; returns what to log if it ends an outage, else {@code null}. */
    synchronized String succeeded(long now) {
        if (failingSince < 0) {
            return null;
        }
        String back = String.format("Node %s renewed its lease again: the store answers after %d s (%d renewals"
                + " failed)", nodeId, (now - failingSince) / 1000, failures);
        failingSince = -1;
        failures = 0;
        return back;
    }
}

package io.multistudio.engine.memory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * When the entries of one map expire: keys bucketed by deadline, in ticks of {@code tickMillis}, so that expiry only
 * looks at what is due instead of walking every entry (a room's history alone holds a thousand). A key leaves its
 * bucket when its entry is rewritten or removed, so the buckets hold exactly the entries that will expire.
 */
final class Deadlines {

    /** The deadline of an entry that never expires, or of none at all. */
    static final long NEVER = Long.MAX_VALUE;

    private final long tickMillis;
    /** Tick t holds the keys whose deadline is in ((t - 1) × tick, t × tick]: all expired once t × tick is past. */
    private final TreeMap<Long, Set<String>> byTick = new TreeMap<>();

    Deadlines(long tickMillis) {
        this.tickMillis = tickMillis;
    }

    /**
     * The entry under {@code key} now expires at {@code to} instead of {@code from}; {@link #NEVER} for an entry that
     * does not expire or does not exist. An entry rewritten within the same tick keeps its place: the common case of a
     * record rewritten a few times in a moment (a session during a handshake) costs no work here.
     */
    void move(String key, long from, long to) {
        long fromTick = from == NEVER ? NEVER : tick(from);
        long toTick = to == NEVER ? NEVER : tick(to);
        if (fromTick == toTick) {
            return;
        }
        synchronized (this) {
            if (fromTick != NEVER) {
                Set<String> keys = byTick.get(fromTick);
                if (keys != null && keys.remove(key) && keys.isEmpty()) {
                    byTick.remove(fromTick);
                }
            }
            if (toTick != NEVER) {
                byTick.computeIfAbsent(toTick, ignored -> new HashSet<>()).add(key);
            }
        }
    }

    /** Takes out the keys of every tick that has passed by {@code now}. */
    synchronized List<String> due(long now) {
        List<String> due = new ArrayList<>();
        Map.Entry<Long, Set<String>> first;
        while ((first = byTick.firstEntry()) != null && first.getKey() * tickMillis <= now) {
            due.addAll(byTick.pollFirstEntry().getValue());
        }
        return due;
    }

    private long tick(long expiresAt) {
        return Math.floorDiv(expiresAt + tickMillis - 1, tickMillis);
    }
}

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

    private final long tickMillis;
    /** Tick t holds the keys whose deadline is in ((t - 1) × tick, t × tick]: all expired once t × tick is past. */
    private final TreeMap<Long, Set<String>> byTick = new TreeMap<>();

    Deadlines(long tickMillis) {
        this.tickMillis = tickMillis;
    }

    synchronized void add(String key, long expiresAt) {
        byTick.computeIfAbsent(tick(expiresAt), ignored -> new HashSet<>()).add(key);
    }

    synchronized void remove(String key, long expiresAt) {
        long tick = tick(expiresAt);
        Set<String> keys = byTick.get(tick);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            byTick.remove(tick);
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

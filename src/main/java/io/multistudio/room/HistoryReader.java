package io.multistudio.room;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.SharedMap;
import io.smallrye.mutiny.Uni;

/**
 * Reads what a member missed from a room's history, or from the events this node delivered a moment ago when it still
 * holds every one of them; names the history's keys.
 */
final class HistoryReader {

    private final SharedMap<RoomEvent> history;
    private final RoomEvents delivered;
    private final MultiStudioConfig config;

    HistoryReader(SharedMap<RoomEvent> history, RoomEvents delivered, MultiStudioConfig config) {
        this.history = history;
        this.delivered = delivered;
        this.config = config;
    }

    /**
     * The events of {@code room} after {@code afterSeq} up to {@code latest} (at least) that {@code userId} would
     * have received; at most the configured number of events back.
     */
    Uni<Replay> replay(Room room, long latest, long afterSeq, String userId) {
        if (afterSeq >= latest) {
            // Nothing after it has been committed, as far as this node can tell: what comes arrives live.
            return Uni.createFrom().item(new Replay(room, List.of(), true, afterSeq));
        }
        long from = Math.max(afterSeq + 1, latest - config.roomHistory() + 1);
        boolean withinCount = from == afterSeq + 1;
        List<RoomEvent> recent = withinCount ? delivered.recent(room, afterSeq, latest) : null;
        if (recent != null) {
            // Delivered here without a gap from the first missed seq on: nothing to read back, nothing lost.
            return Uni.createFrom().item(new Replay(room, recent.stream()
                    .filter(event -> event.visibleTo(userId))
                    .toList(), true, afterSeq + recent.size()));
        }
        String anchor = key(room.instance(), afterSeq);
        Set<String> keys = keys(room.instance(), from, latest);
        Set<String> read = new LinkedHashSet<>(keys);
        read.add(anchor);
        return history.getAll(read).map(found -> {
            // A seq can be absent for two harmless reasons: another node is still committing it (it arrives live),
            // or its writer failed to write it (nobody ever got it). Only expiry loses events, and none of the missed
            // ones can have expired while the last one the client had is still there, since they are all younger.
            boolean anchored = found.containsKey(anchor);
            boolean complete = afterSeq >= latest || withinCount && (anchored || found.keySet().containsAll(keys));
            List<RoomEvent> missed = found.values().stream()
                    .filter(event -> event.seq() > afterSeq && event.visibleTo(userId))
                    .sorted(Comparator.comparingLong(RoomEvent::seq))
                    .toList();
            // Counted from the first seq read: a history that no longer reaches back to afterSeq still has a run.
            long readTo = from - 1;
            while (readTo < latest && found.containsKey(key(room.instance(), readTo + 1))) {
                readTo++;
            }
            return new Replay(room, missed, complete, readTo);
        });
    }

    static Set<String> keys(String instance, long fromSeq, long toSeq) {
        Set<String> keys = new LinkedHashSet<>();
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            keys.add(key(instance, seq));
        }
        return keys;
    }

    static String key(String instance, long seq) {
        return instance + ":" + seq;
    }
}

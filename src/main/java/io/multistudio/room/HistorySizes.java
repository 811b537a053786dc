package io.multistudio.room;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The sizes of the recent events of the rooms this node commits to, so that their history can be bounded in bytes:
 * the node that trims a room knows, from its own commits and from the events it heard from the others, how far back
 * the room's newest events reach a given number of bytes. Events it did not hear count for nothing, so the bound is
 * approximate by the events in flight.
 */
final class HistorySizes {

    private final Map<String, NavigableMap<Long, Integer>> sizes = new ConcurrentHashMap<>();

    /** This node committed {@code event}: its room's sizes are kept from now on. */
    void committed(RoomEvent event) {
        if (sizes.size() >= SeqHeads.MAX_FOLLOWED && !sizes.containsKey(event.instance())) {
            sizes.clear();
        }
        sizes.computeIfAbsent(event.instance(), instance -> new ConcurrentSkipListMap<>())
                .put(event.seq(), size(event));
    }

    /** An event committed anywhere: kept if this node keeps its room's sizes. */
    void heard(RoomEvent event) {
        NavigableMap<Long, Integer> room = sizes.get(event.instance());
        if (room != null) {
            room.put(event.seq(), size(event));
        }
    }

    /**
     * The seqs of {@code instance} at or below {@code head} that fall out of a history of {@code bytes} bytes, oldest
     * first, {@code null} if none does; their sizes are forgotten, as are those below {@code countFloor}, which the
     * count bound removes anyway.
     */
    Range beyond(String instance, long head, long bytes, long countFloor) {
        NavigableMap<Long, Integer> room = sizes.get(instance);
        if (room == null) {
            return null;
        }
        room.headMap(countFloor, false).clear();
        long total = 0;
        for (Map.Entry<Long, Integer> event : room.headMap(head, true).descendingMap().entrySet()) {
            total += event.getValue();
            if (total > bytes) {
                Range beyond = new Range(room.firstKey(), event.getKey());
                room.headMap(event.getKey(), true).clear();
                return beyond;
            }
        }
        return null;
    }

    /** Seqs {@code from} to {@code to}, both included. */
    record Range(long from, long to) {
    }

    /** The room incarnation is gone. */
    void forget(String instance) {
        sizes.remove(instance);
    }

    private static int size(RoomEvent event) {
        return event.text().length();
    }
}

package io.multistudio.room;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sizes of the recent events of the rooms this node commits to, so that their history can be bounded in bytes:
 * the node that trims a room knows, from its own commits and from the events it heard from the others, how far back
 * the room's newest events reach a given number of bytes. Events it did not hear count for nothing, so the bound is
 * approximate by the events in flight.
 * <p>
 * Every event of a followed room passes here, on the request path, so a room's sizes are a ring indexed by seq (seqs
 * are handed out one after the other) rather than a sorted map: recording one is an array store, and a room whose
 * remembered events fit the bound is answered from their running total without looking at them.
 */
final class HistorySizes {

    private final Map<String, RoomSizes> sizes = new ConcurrentHashMap<>();
    private final int kept;

    /** @param kept the most events remembered per room: the count bound, below which every event goes anyway */
    HistorySizes(int kept) {
        this.kept = Math.max(1, kept);
    }

    /** This node committed {@code event}: its room's sizes are kept from now on. */
    void committed(RoomEvent event) {
        if (sizes.size() >= SeqHeads.MAX_FOLLOWED && !sizes.containsKey(event.instance())) {
            sizes.clear();
        }
        sizes.computeIfAbsent(event.instance(), instance -> new RoomSizes(kept)).put(event.seq(), size(event));
    }

    /** An event committed anywhere: kept if this node keeps its room's sizes. */
    void heard(RoomEvent event) {
        RoomSizes room = sizes.get(event.instance());
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
        RoomSizes room = sizes.get(instance);
        return room == null ? null : room.beyond(head, bytes, countFloor);
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

    /**
     * One room's sizes from seq {@code first} to {@code last}, 0 for a seq not heard; at most {@code kept} of them,
     * the newest. Callers are the request path (any thread) and the trimmer, hence the lock.
     */
    static final class RoomSizes {

        private final int kept;
        private int[] ring = new int[16];
        private long first = 1;
        private long last;
        private long total;

        RoomSizes(int kept) {
            this.kept = kept;
        }

        synchronized void put(long seq, int size) {
            if (last < first) {
                first = seq;
                last = seq - 1;
            }
            if (seq < first) {
                // Heard after newer ones pushed it out of the window: the count bound removes it anyway.
                return;
            }
            if (seq > last) {
                extendTo(seq);
            }
            int slot = slot(seq);
            total += size - ring[slot];
            ring[slot] = size;
        }

        synchronized Range beyond(long head, long bytes, long countFloor) {
            dropTo(countFloor - 1);
            if (total <= bytes) {
                return null;
            }
            long sum = 0;
            for (long seq = Math.min(head, last); seq >= first; seq--) {
                sum += ring[slot(seq)];
                if (sum > bytes) {
                    Range beyond = new Range(first, seq);
                    dropTo(seq);
                    return beyond;
                }
            }
            return null;
        }

        /** Makes room for seqs up to {@code seq}, none heard yet, dropping the oldest past {@code kept}. */
        private void extendTo(long seq) {
            dropTo(seq - kept);
            if (last < first) {
                first = seq;
                last = seq - 1;
            }
            int needed = (int) (seq - first + 1);
            if (needed > ring.length) {
                grow(needed);
            }
            for (long empty = last + 1; empty <= seq; empty++) {
                ring[slot(empty)] = 0;
            }
            last = seq;
        }

        /** Forgets the sizes of the seqs up to {@code seq}. */
        private void dropTo(long seq) {
            if (seq >= last) {
                first = last + 1;
                total = 0;
                return;
            }
            for (; first <= seq; first++) {
                total -= ring[slot(first)];
            }
        }

        private void grow(int needed) {
            int length = ring.length;
            while (length < needed) {
                length *= 2;
            }
            int[] grown = new int[length];
            for (long seq = first; seq <= last; seq++) {
                grown[(int) (seq & (length - 1))] = ring[slot(seq)];
            }
            ring = grown;
        }

        private int slot(long seq) {
            return (int) (seq & (ring.length - 1));
        }
    }
}

package io.multistudio.room;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest record of each room this node changed lately, by {@link Room#rev()}: what a {@code ROOM_UPDATED} shows.
 * <p>
 * A change updates the stored room atomically, and only then does its event take a seq. Two changes of one room made
 * at once on this node (two event loops) can therefore take their seqs in the opposite order of their updates: the
 * event with the higher seq, the one members keep, would show the older room. An event built from the newest record
 * this node knows when it takes its seq shows every change made here before it, whatever order they took their seqs
 * in. Records are kept a while after their change is committed, because the update of an older change may still be
 * on its way to taking its seq; a few hundred rooms are enough for that, and bound the memory kept.
 * <p>
 * Only this node's own changes are known here: changes of one room made at the same moment on two nodes are not
 * ordered by it.
 */
final class NewestRecords {

    /** Rooms remembered at most, the least recently changed forgotten first. */
    static final int KEPT = 256;

    private final Map<String, Room> newest = new LinkedHashMap<>(KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Room> eldest) {
            return size() > KEPT;
        }
    };

    /** {@code room} was stored by a change made on this node. */
    synchronized void stored(Room room) {
        newest.merge(room.instance(), room, NewestRecords::newer);
    }

    /** The newest record of {@code room}'s incarnation this node knows: {@code room} itself or a later one. */
    synchronized Room of(Room room) {
        Room kept = newest.get(room.instance());
        return kept == null ? room : newer(kept, room);
    }

    /** The incarnation is gone: no later change of it will come. */
    synchronized void ended(String instance) {
        newest.remove(instance);
    }

    private static Room newer(Room one, Room other) {
        return other.rev() > one.rev() ? other : one;
    }
}

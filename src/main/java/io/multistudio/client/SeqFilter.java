package io.multistudio.client;

/**
 * Which room events are new: a replay after a resume may repeat events this client already delivered, and a
 * remembered answer to a resent {@code SEND} repeats its replayed copy. Each seq of the current room passes once.
 * It also knows the {@code last_seq} to resume with. Used on the client's thread only.
 */
final class SeqFilter {

    private static final long NONE = -1;

    private String room;
    /** The highest seq delivered in {@link #room}. */
    private long delivered = NONE;
    /** The room's seq when this client joined it: events up to it were not for this member live. */
    private long joinedAt = NONE;

    /**
     * A {@code JOINED_ROOM}. A join that asked for history gets older events right after it, so they must pass; a
     * {@code JOINED_ROOM} for the room the client is already in (a resume, or a remembered answer to a resent
     * {@code JOIN_ROOM}) keeps what was delivered.
     */
    void joined(String roomId, long seq, boolean resumed, boolean historyRequested) {
        if (roomId.equals(room)) {
            joinedAt = Math.max(joinedAt, resumed ? NONE : seq);
            return;
        }
        room = roomId;
        // Resumed into a room this client did not know: the replay brings what it has not seen.
        joinedAt = resumed ? NONE : seq;
        delivered = resumed || historyRequested ? NONE : seq;
    }

    void left() {
        room = null;
        delivered = NONE;
        joinedAt = NONE;
    }

    /** Whether {@code event} is new; if so it counts as delivered. Events of other rooms are not filtered. */
    boolean accept(RoomEvent event) {
        if (event.roomId() == null || !event.roomId().equals(room)) {
            return true;
        }
        if (event.seq() <= delivered) {
            return false;
        }
        delivered = event.seq();
        return true;
    }

    /** The {@code last_seq} for a resume, or null if the client knows no room. */
    Long lastSeq() {
        long last = Math.max(delivered, joinedAt);
        return room == null || last == NONE ? null : last;
    }
}

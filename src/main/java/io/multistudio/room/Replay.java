package io.multistudio.room;

import java.util.List;

/**
 * Missed events of a room, in seq order; {@code complete} if the history still held all of them.
 *
 * @param readTo the seq up to which the history held every event without a gap (from the first seq it was read
 *        from): whatever of those is not in {@code events} was not for this user; the events after a gap are still
 *        being committed when the history is read, so they reach the member live, after the one in the gap
 */
public record Replay(Room room, List<RoomEvent> events, boolean complete, long readTo) {
}

package io.multistudio.room;

import java.util.List;

/**
 * Missed events of a room, in seq order; {@code complete} if the history still held all of them.
 *
 * @param readTo the seq up to which the history held every event without a gap: whatever of those is not in
 *        {@code events} was not for this user
 */
public record Replay(Room room, List<RoomEvent> events, boolean complete, long readTo) {
}

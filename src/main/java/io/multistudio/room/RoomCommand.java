package io.multistudio.room;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * One change of one room as plain functions: the room after it, and the events it produced. The store applies
 * {@code change} atomically and may apply it more than once under contention, so it has no side effects.
 *
 * @param change the room after the change: {@code room} itself when nothing changes, {@code null} to delete it; a
 *        refusal throws its {@link io.multistudio.protocol.ProtocolException}
 * @param events the events of a change that happened, in order, from the room before and after it; each takes its
 *        seq when it is committed
 */
public record RoomCommand(UnaryOperator<Room> change, BiFunction<Room, Room, List<RoomNotice.Draft>> events) {

    public Room apply(Room room) {
        return change.apply(room);
    }

    public List<RoomNotice.Draft> events(Room before, Room after) {
        return events.apply(before, after);
    }
}

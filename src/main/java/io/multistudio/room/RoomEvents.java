package io.multistudio.room;

import java.util.List;

/** Where committed room events go to be delivered to the members connected to this node. */
public interface RoomEvents {

    void publish(RoomEvent event);

    /**
     * The room as this node follows it, with its members up to the events delivered here, while a member of it is
     * connected here; {@code null} otherwise, and then the room is read from the store.
     */
    default Room known(String roomId) {
        return null;
    }

    /**
     * The events of {@code room} after {@code afterSeq}, in seq order, as this node delivered them a moment ago, if
     * it delivered every one from {@code afterSeq + 1} through at least {@code through} and still holds them;
     * {@code null} otherwise, and then they are read from the history.
     */
    default List<RoomEvent> recent(Room room, long afterSeq, long through) {
        return null;
    }
}

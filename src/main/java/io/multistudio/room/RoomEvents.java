package io.multistudio.room;

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
}

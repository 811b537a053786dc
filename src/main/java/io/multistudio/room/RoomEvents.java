package io.multistudio.room;

/** Where committed room events go to be delivered to the members connected to this node. */
public interface RoomEvents {

    void publish(RoomEvent event);
}

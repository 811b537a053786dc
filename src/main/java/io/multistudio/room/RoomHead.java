package io.multistudio.room;

/**
 * The highest seq a room incarnation's history is known to have reached, as the nodes store it now and then (see
 * {@link SeqHeads}): a node that has not followed the room starts looking for its latest seq here.
 */
public record RoomHead(String instance, long seq) {
}

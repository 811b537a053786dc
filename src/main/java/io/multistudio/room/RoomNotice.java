package io.multistudio.room;

import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One room event waiting for its seq: whether the room as this node knows it admits it, and the event at a seq. An
 * event that finds its seq taken learns the event there and asks {@code admits} again about the room after it, so
 * that a message from a member who was removed just before is refused, not committed after the removal.
 *
 * @param admits whether the event happens in the room ({@code null} if the room is gone); a refusal throws its
 *        {@link io.multistudio.protocol.ProtocolException}, {@code false} means no event at all
 * @param event the event in the room at a seq
 */
public record RoomNotice(Predicate<Room> admits, BiFunction<Room, Long, RoomEvent> event) {

    /**
     * An event of a change the stored room already made: nothing left to check.
     *
     * @param now the room as it is when the event takes its seq (see {@link RoomViews})
     */
    static RoomNotice of(Draft draft, Supplier<RoomViews.View> now) {
        return new RoomNotice(room -> true, (room, seq) -> draft.at(now.get(), seq));
    }

    /** An event whose seq is not known yet; its text carries the seq, so it is written once the seq is. */
    @FunctionalInterface
    public interface Draft {

        /**
         * @param now the newest view of the room this node knows as the event takes {@code seq}, at least as new as
         *        the record its change stored: what an event showing the room shows
         */
        RoomEvent at(RoomViews.View now, long seq);
    }
}

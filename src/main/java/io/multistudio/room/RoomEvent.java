package io.multistudio.room;

/**
 * A room event as kept in the room's history and handed to every node: the serialized message, written once and sent
 * as is to every recipient, plus what deciding the recipients needs.
 *
 * @param instance the room incarnation the event belongs to (see {@link Room#instance()})
 * @param type the message kind
 * @param subject the user the event is about (joined, left, away, back, updated), {@code null} otherwise
 * @param from the sender of a {@code MESSAGE}
 * @param to the addressee of a direct {@code MESSAGE}; only it and the sender receive the event
 * @param origin the connection whose request caused the event; its copy carries {@code rid}
 * @param reason why {@code subject} left, for a {@code USER_LEFT}
 * @param text the message without {@code rid}
 * @param at when the event was committed, epoch millis
 * @param mark the mark of the keyed request that caused the event (see {@link io.multistudio.protocol.Request#mark()}),
 *        {@code null} if it had no key
 * @param rev for a {@code ROOM_UPDATED}, the rev of the record it shows (see {@link RoomViews}); 0 otherwise
 */
public record RoomEvent(String room, String instance, long seq, String type, String subject, String from, String to,
        String origin, String rid, String reason, String text, long at, String mark, long rev) {

    public static final String USER_JOINED = "USER_JOINED";
    public static final String USER_LEFT = "USER_LEFT";
    public static final String USER_AWAY = "USER_AWAY";
    public static final String USER_BACK = "USER_BACK";
    public static final String ROOM_UPDATED = "ROOM_UPDATED";
    /** An operator closed the room: every member leaves it with reason {@code closed}. Never sent as such. */
    public static final String ROOM_CLOSED = "ROOM_CLOSED";

    /** Whether {@code userId} receives this event, live or replayed. */
    public boolean visibleTo(String userId) {
        if (to != null) {
            return userId.equals(from) || userId.equals(to);
        }
        boolean aboutOwnPresence = USER_JOINED.equals(type) || USER_AWAY.equals(type) || USER_BACK.equals(type);
        return !(aboutOwnPresence && userId.equals(subject));
    }

    /** Whether this event takes {@code userId} out of the room, so it gets {@code LEFT_ROOM} instead. */
    public boolean removes(String userId) {
        return ROOM_CLOSED.equals(type) || USER_LEFT.equals(type) && userId.equals(subject);
    }
}

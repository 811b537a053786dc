package io.multistudio.client;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A room event (PROTOCOL.md §2.3): it carries its room and a per-room {@code seq}, and every member receives the
 * room's events in seq order. The client delivers each seq at most once, also across a resume's replay.
 */
@JsonSubTypes({
        @JsonSubTypes.Type(value = RoomEvent.UserJoined.class, name = "USER_JOINED"),
        @JsonSubTypes.Type(value = RoomEvent.UserLeft.class, name = "USER_LEFT"),
        @JsonSubTypes.Type(value = RoomEvent.UserAway.class, name = "USER_AWAY"),
        @JsonSubTypes.Type(value = RoomEvent.UserBack.class, name = "USER_BACK"),
        @JsonSubTypes.Type(value = RoomEvent.UserUpdated.class, name = "USER_UPDATED"),
        @JsonSubTypes.Type(value = RoomEvent.RoomUpdated.class, name = "ROOM_UPDATED"),
        @JsonSubTypes.Type(value = RoomEvent.Message.class, name = "MESSAGE") })
public interface RoomEvent extends ServerMessage {

    /** The room's id; null only for a {@link UserUpdated} that answers {@code SET_USER_DATA} outside a room. */
    String roomId();

    /** The event's place in its room; 0 when {@link #roomId()} is null. */
    long seq();

    record UserJoined(String room, long seq, ServerMessage.Member user) implements RoomEvent {
        @Override
        public String roomId() {
            return room;
        }
    }

    /** {@code reason}: {@code left}, {@code kicked} or {@code expired}. */
    record UserLeft(String room, long seq, String userId, String reason) implements RoomEvent {
        @Override
        public String roomId() {
            return room;
        }
    }

    /** The member's connection was lost; its session is in grace. */
    record UserAway(String room, long seq, String userId) implements RoomEvent {
        @Override
        public String roomId() {
            return room;
        }
    }

    /** The member resumed its session. */
    record UserBack(String room, long seq, String userId) implements RoomEvent {
        @Override
        public String roomId() {
            return room;
        }
    }

    /** A member's name or data changed; outside a room only the answer to the user's own {@code SET_USER_DATA}. */
    record UserUpdated(String room, long seq, ServerMessage.Member user) implements RoomEvent {
        @Override
        public String roomId() {
            return room;
        }
    }

    /** The room's settings, data or owner changed. */
    record RoomUpdated(ServerMessage.Room room, long seq) implements RoomEvent {
        @Override
        public String roomId() {
            return room.id();
        }
    }

    /**
     * A message: {@code to} is set for a direct one; {@code from} is null and {@code server} true for one the
     * application's backend published through the operator API.
     */
    record Message(String room, long seq, String from, JsonNode data, String to, boolean server) implements RoomEvent {
        @Override
        public String roomId() {
            return room;
        }
    }
}

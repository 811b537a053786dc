package io.multistudio.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A message the server sent, decoded by its {@code kind}. The records are what PROTOCOL.md §2.2–2.7b defines, with
 * Java names for the snake_case fields; the {@code rid} is left out (the client correlates it), so is {@code kind}.
 * JSON {@code data} is a Jackson tree: read it, do not change it. Room events are the {@link RoomEvent}s.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "kind",
        visible = true, defaultImpl = ServerMessage.Unknown.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = ServerMessage.Hello.class, name = "HELLO"),
        @JsonSubTypes.Type(value = ServerMessage.JoinedRoom.class, name = "JOINED_ROOM"),
        @JsonSubTypes.Type(value = ServerMessage.LeftRoom.class, name = "LEFT_ROOM"),
        @JsonSubTypes.Type(value = ServerMessage.RoomList.class, name = "ROOM_LIST"),
        @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "PONG"),
        @JsonSubTypes.Type(value = ServerMessage.History.class, name = "HISTORY"),
        @JsonSubTypes.Type(value = ServerMessage.Bye.class, name = "BYE"),
        @JsonSubTypes.Type(value = RoomEvent.class) })
public interface ServerMessage {

    /** A {@code MultiUser}: {@code id} is server-assigned and stable for the session. */
    record User(String id, String name, JsonNode data) {
    }

    /** A room member; {@code connected} is false while its session is in grace. */
    record Member(String id, String name, JsonNode data, boolean connected) {
    }

    /** A {@code MultiRoom}; {@code data} is absent (null) in room lists, {@code createdAt} is epoch millis. */
    record Room(String id, String name, String owner, int capacity, boolean listed, boolean hasPassword,
            JsonNode data, int memberCount, long createdAt) {
    }

    /** The answer to {@code HELLO}: {@code reconnected} tells whether the previous session was resumed. */
    record Hello(User user, boolean reconnected, String reconnectToken) implements ServerMessage {
    }

    /**
     * The answer to {@code CREATE_ROOM} and {@code JOIN_ROOM}, or after a resume ({@code resumed}) the room the
     * session is back in; {@code recovered} tells whether the replay that follows holds every missed event.
     */
    record JoinedRoom(Room room, List<Member> members, long seq, boolean resumed, boolean recovered)
            implements ServerMessage {
    }

    /** The user is out of {@code room}: {@code reason} is {@code left}, {@code kicked} or {@code closed}. */
    record LeftRoom(String room, String reason) implements ServerMessage {
    }

    /** The listed rooms, oldest first, without their {@code data}. */
    record RoomList(List<Room> rooms) implements ServerMessage {
    }

    /** The answer to {@code PING}: the server's clock, epoch millis. */
    record Pong(long ts) implements ServerMessage {
    }

    /** A page of the room's history (§2.7b): oldest first; {@code more} when older events exist. */
    record History(String room, List<RoomEvent> events, boolean more) implements ServerMessage {
    }

    /** The answer to {@code BYE}; the server closes the connection with 1000 after it. */
    record Bye() implements ServerMessage {
    }

    /** An error (any message with a {@code why}): {@code kind} is its 4CC. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NONE)
    record Error(String kind, String why, String field, String detail) implements ServerMessage {

        public MultiStudioException toException() {
            return new MultiStudioException(kind, why, detail, field);
        }
    }

    /** A message of a kind this client does not know (a newer server); kept for {@link MultiStudioClient#messages}. */
    record Unknown(String kind) implements ServerMessage {
    }
}

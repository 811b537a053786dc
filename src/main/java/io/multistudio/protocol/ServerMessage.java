package io.multistudio.protocol;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

/**
 * Messages the server sends. Each carries its {@code kind} first, so a copy for the requester can get its {@code rid}
 * spliced in right after it without serializing the message again (see {@link Codec#withRid}).
 */
public sealed interface ServerMessage {

    /** The user as every client sees it. */
    record User(String id, String name, ObjectNode data) {
    }

    /** A room member: the user and whether it is connected (false while its session is in grace). */
    record Member(String id, String name, ObjectNode data, boolean connected) {
    }

    /** A room as clients see it; {@code data} is left out of room lists. */
    record MultiRoom(String id, String name, String owner, int capacity, boolean listed, boolean hasPassword,
            ObjectNode data, int memberCount, long createdAt) {
        public MultiRoom withoutData() {
            return new MultiRoom(id, name, owner, capacity, listed, hasPassword, null, memberCount, createdAt);
        }
    }

    record JoinedRoom(String kind, String rid, MultiRoom room, List<Member> members, long seq, boolean resumed,
            boolean recovered) implements ServerMessage {
        public JoinedRoom(String rid, MultiRoom room, List<Member> members, long seq, boolean resumed,
                boolean recovered) {
            this("JOINED_ROOM", rid, room, members, seq, resumed, recovered);
        }
    }

    record LeftRoom(String kind, String rid, String room, String reason) implements ServerMessage {
        public LeftRoom(String rid, String room, String reason) {
            this("LEFT_ROOM", rid, room, reason);
        }
    }

    record RoomList(String kind, String rid, List<MultiRoom> rooms) implements ServerMessage {
        public RoomList(String rid, List<MultiRoom> rooms) {
            this("ROOM_LIST", rid, rooms);
        }
    }

    record UserJoined(String kind, String room, long seq, Member user) implements ServerMessage {
        public UserJoined(String room, long seq, Member user) {
            this("USER_JOINED", room, seq, user);
        }
    }

    record UserLeft(String kind, String room, long seq, String userId, String reason) implements ServerMessage {
        public UserLeft(String room, long seq, String userId, String reason) {
            this("USER_LEFT", room, seq, userId, reason);
        }
    }

    /** {@code USER_AWAY} or {@code USER_BACK}: a member's connection was lost, or its session resumed. */
    record Presence(String kind, String room, long seq, String userId) implements ServerMessage {
    }

    /** In a room a room event; outside one the direct answer to {@code SET_USER_DATA}, without room and seq. */
    record UserUpdated(String kind, String rid, String room, Long seq, Member user) implements ServerMessage {
        public UserUpdated(String rid, String room, Long seq, Member user) {
            this("USER_UPDATED", rid, room, seq, user);
        }
    }

    record RoomUpdated(String kind, MultiRoom room, long seq) implements ServerMessage {
        public RoomUpdated(MultiRoom room, long seq) {
            this("ROOM_UPDATED", room, seq);
        }
    }

    /** A member's message, or without {@code from} and with {@code server: true} one the backend published. */
    record Message(String kind, String room, long seq, String from, Boolean server, JsonNode data, String to)
            implements ServerMessage {
        public Message(String room, long seq, String from, JsonNode data, String to) {
            this("MESSAGE", room, seq, from, from == null ? Boolean.TRUE : null, data, to);
        }
    }

    /**
     * The answer to {@code HISTORY}: room events as their members received them, each written once already, so kept
     * as raw JSON text.
     */
    record History(String kind, String rid, String room, List<RawValue> events, boolean more) implements ServerMessage {
        public History(String rid, String room, List<RawValue> events, boolean more) {
            this("HISTORY", rid, room, events, more);
        }
    }

    record Hello(String kind, String rid, User user, boolean reconnected, String reconnectToken)
            implements ServerMessage {
        public Hello(String rid, User user, boolean reconnected, String reconnectToken) {
            this("HELLO", rid, user, reconnected, reconnectToken);
        }
    }

    record Pong(String kind, String rid, long ts) implements ServerMessage {
        public Pong(String rid, long ts) {
            this("PONG", rid, ts);
        }
    }

    record Bye(String kind, String rid) implements ServerMessage {
        public Bye(String rid) {
            this("BYE", rid);
        }
    }

    /** An error: its {@code kind} is the 4CC and {@code why} the case. */
    record Error(String kind, String rid, String why, String field, String detail) implements ServerMessage {
        public static Error of(Why why, String rid) {
            return new Error(why.code(), rid, why.name(), null, null);
        }

        public static Error of(ProtocolException failure, String rid) {
            return new Error(failure.why().code(), rid, failure.why().name(), failure.field(), failure.detail());
        }
    }
}

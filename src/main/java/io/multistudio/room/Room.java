package io.multistudio.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.ServerMessage;

/**
 * A room as the engine stores it. Every change to a room, membership or not, goes through one atomic update of this
 * record and takes the next {@code seq}, so the order of room events is the order of the changes they describe.
 *
 * @param instance random id of this incarnation of the room: a deleted room's id can be taken again, and its history
 *        must not mix with the new room's
 * @param members ordered by join time, oldest first
 */
public record Room(String id, String instance, String name, String owner, int capacity, boolean listed,
        String passwordHash, ObjectNode data, long createdAt, long seq, List<RoomMember> members) {

    /** @param name the user's name when it joined, for the webhooks about it; absent in rooms older than that */
    public record RoomMember(String userId, String name, long joinedAt) {
    }

    public boolean hasMember(String userId) {
        return members.stream().anyMatch(member -> member.userId().equals(userId));
    }

    public ServerMessage.MultiRoom view() {
        return new ServerMessage.MultiRoom(id, name, owner, capacity, listed, passwordHash != null, data,
                members.size(), createdAt);
    }

    Room next(int events) {
        return new Room(id, instance, name, owner, capacity, listed, passwordHash, data, createdAt, seq + events,
                members);
    }

    Room withMember(RoomMember member) {
        List<RoomMember> joined = new ArrayList<>(members);
        joined.add(member);
        return new Room(id, instance, name, owner, capacity, listed, passwordHash, data, createdAt, seq + 1,
                List.copyOf(joined));
    }

    /**
     * Without {@code userId}; {@code null} when nobody is left, which deletes the room. When the owner leaves, the
     * member present longest takes over and the change takes a second seq for its {@code ROOM_UPDATED}.
     */
    Room withoutMember(String userId) {
        List<RoomMember> left = members.stream().filter(member -> !member.userId().equals(userId)).toList();
        if (left.isEmpty()) {
            return null;
        }
        boolean ownerLeft = Objects.equals(owner, userId);
        String newOwner = ownerLeft ? left.get(0).userId() : owner;
        return new Room(id, instance, name, newOwner, capacity, listed, passwordHash, data, createdAt,
                seq + (ownerLeft ? 2 : 1), left);
    }

    Room withSettings(String newName, int newCapacity, String newPasswordHash, boolean newListed) {
        return new Room(id, instance, newName, owner, newCapacity, newListed, newPasswordHash, data, createdAt,
                seq + 1, members);
    }

    Room withData(ObjectNode newData) {
        return new Room(id, instance, name, owner, capacity, listed, passwordHash, newData, createdAt, seq + 1,
                members);
    }
}

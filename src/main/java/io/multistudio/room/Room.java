package io.multistudio.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.ServerMessage;

/**
 * A room as the engine stores it. A change to the room itself (membership, settings, data) is one atomic update of
 * this record; its events then take their seqs in the room's history (see {@link RoomLog}), like the events that
 * change nothing stored here (messages, presence, a member's data).
 *
 * @param instance random id of this incarnation of the room: a deleted room's id can be taken again, and its history
 *        must not mix with the new room's
 * @param seq a seq the room's history had reached when the record was last written: a lower bound of the room's
 *        latest seq, where looking for it starts
 * @param rev how many changes the record has had: of two records of one room, the one with the higher rev is the
 *        newer (see {@link RoomViews})
 * @param members ordered by join time, oldest first
 */
public record Room(String id, String instance, String name, String owner, int capacity, boolean listed,
        String passwordHash, ObjectNode data, long createdAt, long seq, long rev, List<RoomMember> members) {

    /** @param name the user's name when it joined, for the webhooks about it; absent in rooms older than that */
    public record RoomMember(String userId, String name, long joinedAt) {
    }

    /** A loop, not a stream: every message a member sends is checked here. */
    public boolean hasMember(String userId) {
        for (RoomMember member : members) {
            if (member.userId().equals(userId)) {
                return true;
            }
        }
        return false;
    }

    public ServerMessage.MultiRoom view() {
        return new ServerMessage.MultiRoom(id, name, owner, capacity, listed, passwordHash != null, data,
                members.size(), createdAt);
    }

    /** The same room with {@code seq} raised to {@code reached}, if that is higher. */
    Room reached(long reached) {
        return reached <= seq ? this
                : new Room(id, instance, name, owner, capacity, listed, passwordHash, data, createdAt, reached, rev,
                        members);
    }

    /** This room as the record that replaces {@code before}: one rev later, its seq raised to {@code reached}. */
    Room replacing(Room before, long reached) {
        return new Room(id, instance, name, owner, capacity, listed, passwordHash, data, createdAt,
                Math.max(seq, reached), before.rev + 1, members);
    }

    /**
     * The members after {@code event}, as a node that knows the room from an earlier record follows it: {@code null}
     * once the room is closed or its last member left. Only who is in the room is followed.
     */
    public Room after(RoomEvent event) {
        Room room = reached(event.seq());
        if (RoomEvent.ROOM_CLOSED.equals(event.type())) {
            return null;
        }
        if (RoomEvent.USER_JOINED.equals(event.type()) && !hasMember(event.subject())) {
            return room.withMember(new RoomMember(event.subject(), null, event.at()));
        }
        if (RoomEvent.USER_LEFT.equals(event.type()) && hasMember(event.subject())) {
            List<RoomMember> left = members.stream().filter(member -> !member.userId().equals(event.subject()))
                    .toList();
            return left.isEmpty() ? null
                    : new Room(id, instance, name, owner, capacity, listed, passwordHash, data, createdAt,
                            room.seq, rev, left);
        }
        return room;
    }

    Room withMember(RoomMember member) {
        List<RoomMember> joined = new ArrayList<>(members);
        joined.add(member);
        return new Room(id, instance, name, owner, capacity, listed, passwordHash, data, createdAt, seq, rev,
                List.copyOf(joined));
    }

    /**
     * Without {@code userId}; {@code null} when nobody is left, which deletes the room. When the owner leaves, the
     * member present longest takes over, which the members learn from a {@code ROOM_UPDATED}.
     */
    Room withoutMember(String userId) {
        List<RoomMember> left = members.stream().filter(member -> !member.userId().equals(userId)).toList();
        if (left.isEmpty()) {
            return null;
        }
        boolean ownerLeft = Objects.equals(owner, userId);
        String newOwner = ownerLeft ? left.get(0).userId() : owner;
        return new Room(id, instance, name, newOwner, capacity, listed, passwordHash, data, createdAt, seq, rev,
                left);
    }

    Room withSettings(String newName, int newCapacity, String newPasswordHash, boolean newListed) {
        return new Room(id, instance, newName, owner, newCapacity, newListed, newPasswordHash, data, createdAt, seq,
                rev, members);
    }

    Room withData(ObjectNode newData) {
        return new Room(id, instance, name, owner, capacity, listed, passwordHash, newData, createdAt, seq, rev,
                members);
    }
}

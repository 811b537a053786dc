package io.multistudio.room;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Sha256;
import io.multistudio.protocol.Why;
import io.multistudio.session.HelloRequest;
import io.multistudio.session.Session;

/**
 * The room commands of PROTOCOL.md §2.4–2.5 as plain functions from a room to a room plus its events: the rules
 * (membership, ownership, capacity, password, data size) without the store, so they can be tested without it.
 */
@Singleton
public class RoomCommands {

    static final int MAX_ROOM_DATA_BYTES = 65536;

    private final Codec codec;
    private final MergePatch mergePatch;

    public RoomCommands(Codec codec, MergePatch mergePatch) {
        this.codec = codec;
        this.mergePatch = mergePatch;
    }

    /** A new room with the actor, called {@code name}, as owner and only member, not stored yet. */
    public Room create(Actor actor, String name, RoomRequests.Create request, int maxCapacity) {
        String id = request.room();
        String instance = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        ObjectNode data = request.data() == null ? Codec.EMPTY_OBJECT : request.data();
        checkRoomDataSize(data);
        return new Room(id, instance, request.name() == null ? id : request.name(), actor.userId(),
                request.capacity() == null ? Math.min(RoomRequests.DEFAULT_CAPACITY, maxCapacity) : request.capacity(),
                request.listed(), passwordHash(instance, request.password()), data, now, 0, 0,
                List.of(new Room.RoomMember(actor.userId(), name, now)));
    }

    /** The user of {@code session} joins, if the room exists, the password matches and there is room. */
    public RoomCommand join(Actor actor, Session session, RoomRequests.Join request) {
        return new RoomCommand(room -> admit(room, session, request),
                (before, after) -> List.of((now, seq) -> event(after, seq, RoomEvent.USER_JOINED, actor, actor.userId(),
                        null, new ServerMessage.UserJoined(after.id(), seq, session.member()))));
    }

    /**
     * {@code userId} leaves with {@code reason}, if it is a member; an owner leaving hands the room to the member
     * present longest, and the last member leaving deletes the room.
     */
    public RoomCommand leave(String userId, Actor actor, String reason) {
        return new RoomCommand(room -> room != null && room.hasMember(userId) ? room.withoutMember(userId) : room,
                (before, after) -> {
                    List<RoomNotice.Draft> events = new ArrayList<>(2);
                    events.add((now, seq) -> event(before, seq, RoomEvent.USER_LEFT, actor, userId, null,
                            new ServerMessage.UserLeft(before.id(), seq, userId, reason), reason, 0));
                    if (after != null && !Objects.equals(after.owner(), before.owner())) {
                        events.add((now, seq) -> roomUpdated(after, now, seq, Actor.SERVER));
                    }
                    return events;
                });
    }

    /** Refuses a kick that the actor may not make in {@code room}. */
    public void checkKick(Room room, Actor actor, String target) {
        if (room == null || !room.hasMember(actor.userId())) {
            throw new ProtocolException(Why.NOT_IN_ROOM);
        }
        if (!actor.userId().equals(room.owner())) {
            throw new ProtocolException(Why.NOT_OWNER);
        }
        if (!room.hasMember(target)) {
            throw new ProtocolException(Why.USER_NOT_IN_ROOM);
        }
    }

    /** An operator deletes the room: every member gets {@code LEFT_ROOM} with reason {@code closed}. */
    public RoomCommand close() {
        return new RoomCommand(room -> null, (before, after) -> List.of((now, seq) -> new RoomEvent(before.id(),
                before.instance(), seq, RoomEvent.ROOM_CLOSED, null, null, null, null, null, "closed",
                codec.write(new ServerMessage.LeftRoom(null, before.id(), "closed")), System.currentTimeMillis(),
                null, 0)));
    }

    /** The owner changes the room's settings; only the fields present change. */
    public RoomCommand update(Actor actor, RoomRequests.Update request) {
        return asMember(actor, room -> {
            if (!actor.userId().equals(room.owner())) {
                throw new ProtocolException(Why.NOT_OWNER);
            }
            int capacity = request.capacity() == null ? room.capacity() : request.capacity();
            if (capacity < room.members().size()) {
                throw new ProtocolException(Why.CAPACITY_INVALID, "capacity",
                        "capacity cannot be below the " + room.members().size() + " current members");
            }
            String passwordHash = room.passwordHash();
            if (request.clearPassword()) {
                passwordHash = null;
            } else if (request.password() != null) {
                passwordHash = passwordHash(room.instance(), request.password());
            }
            return room.withSettings(request.name() == null ? room.name() : request.name(), capacity, passwordHash,
                    request.listed() == null ? room.listed() : request.listed());
        }, after -> (now, seq) -> roomUpdated(after, now, seq, actor));
    }

    /** A member merges {@code patch} into the room's data. */
    public RoomCommand setData(Actor actor, ObjectNode patch) {
        return asMember(actor, room -> {
            ObjectNode data = mergePatch.apply(room.data(), patch);
            checkRoomDataSize(data);
            return room.withData(data);
        }, after -> (now, seq) -> roomUpdated(after, now, seq, actor));
    }

    /** A member sends a message to the room, or to one member of it. */
    public RoomNotice send(Actor actor, RoomRequests.Send request) {
        return new RoomNotice(room -> {
            checkMember(actor, room);
            if (request.to() != null && !room.hasMember(request.to())) {
                throw new ProtocolException(Why.USER_NOT_IN_ROOM);
            }
            return true;
        }, (room, seq) -> event(room, seq, "MESSAGE", actor, null, request.to(),
                new ServerMessage.Message(room.id(), seq, actor.userId(), request.data(), request.to())));
    }

    /** A member's data changed (see {@link #patchUserData}): the room tells everyone. */
    public RoomNotice userUpdated(Actor actor, Session session) {
        return new RoomNotice(room -> checkMember(actor, room), (room, seq) -> event(room, seq, "USER_UPDATED",
                actor, actor.userId(), null, new ServerMessage.UserUpdated(null, room.id(), seq, session.member())));
    }

    /** The member of {@code session} is away or back ({@code type}); no event if it is no member any more. */
    public RoomNotice presence(String type, Session session, String connection) {
        Actor actor = new Actor(session.id(), connection, null);
        return new RoomNotice(room -> room != null && room.hasMember(session.id()),
                (room, seq) -> event(room, seq, type, actor, session.id(), null,
                        new ServerMessage.Presence(type, room.id(), seq, session.id())));
    }

    /** A user's data with {@code patch} merged in, within the size limit of user data. */
    public ObjectNode patchUserData(ObjectNode data, ObjectNode patch) {
        ObjectNode patched = mergePatch.apply(data, patch);
        HelloRequest.checkUserDataSize(patched, codec);
        return patched;
    }

    /**
     * A change only a member may make (or the server, on any room that exists), with the one event it produces.
     */
    private static RoomCommand asMember(Actor actor, UnaryOperator<Room> change,
            Function<Room, RoomNotice.Draft> event) {
        return new RoomCommand(room -> {
            checkMember(actor, room);
            return change.apply(room);
        }, (before, after) -> List.of(event.apply(after)));
    }

    /** Refuses an actor that is not in {@code room}; the server may act in any room that exists. */
    private static boolean checkMember(Actor actor, Room room) {
        if (room == null && actor.server()) {
            throw new ProtocolException(Why.ROOM_NOT_FOUND);
        }
        if (room == null || !actor.server() && !room.hasMember(actor.userId())) {
            throw new ProtocolException(Why.NOT_IN_ROOM);
        }
        return true;
    }

    private static Room admit(Room room, Session session, RoomRequests.Join request) {
        if (room == null) {
            throw new ProtocolException(Why.ROOM_NOT_FOUND);
        }
        if (room.passwordHash() != null
                && !room.passwordHash().equals(passwordHash(room.instance(), request.password()))) {
            throw new ProtocolException(Why.PASSWORD_WRONG);
        }
        if (room.members().size() >= room.capacity()) {
            throw new ProtocolException(Why.ROOM_FULL);
        }
        return room.withMember(new Room.RoomMember(session.id(), session.name(), System.currentTimeMillis()));
    }

    private RoomEvent roomUpdated(Room room, RoomViews.View now, long seq, Actor actor) {
        return event(room, seq, RoomEvent.ROOM_UPDATED, actor, null, null, new ServerMessage.RoomUpdated(now.room(), seq),
                null, now.rev());
    }

    private RoomEvent event(Room room, long seq, String type, Actor actor, String subject, String to,
            ServerMessage message) {
        return event(room, seq, type, actor, subject, to, message, null, 0);
    }

    private RoomEvent event(Room room, long seq, String type, Actor actor, String subject, String to,
            ServerMessage message, String reason, long rev) {
        return new RoomEvent(room.id(), room.instance(), seq, type, subject,
                "MESSAGE".equals(type) ? actor.userId() : null, to, actor.connection(), actor.rid(), reason,
                codec.write(message), System.currentTimeMillis(), actor.mark(), rev);
    }

    private void checkRoomDataSize(ObjectNode data) {
        if (codec.serializedSize(data) > MAX_ROOM_DATA_BYTES) {
            throw new ProtocolException(Why.DATA_TOO_LARGE, "data",
                    "room data may take at most " + MAX_ROOM_DATA_BYTES + " bytes");
        }
    }

    private static String passwordHash(String instance, String password) {
        if (password == null) {
            return null;
        }
        return Sha256.base64(Sha256.of(instance + ":" + password));
    }
}

package io.multistudio.room;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The stored rooms: what can be read about them, and the changes that leave their members as they are (settings,
 * data, messages, a member's data). Each change is one atomic update of the room that also takes the event's seq,
 * then the event is committed to the {@link RoomLog}. Who is in which room changes only through {@link Membership}.
 */
@Startup
@ApplicationScoped
public class Rooms {

    private final SharedMap<Room> rooms;
    private final SessionService sessions;
    private final RoomLog log;
    private final RoomCommands commands;
    private final Codec codec;

    Rooms(Engine engine, SessionService sessions, RoomLog log, RoomCommands commands, Codec codec) {
        this.codec = codec;
        this.rooms = engine.map("rooms", Room.class, room -> Engine.IMMORTAL);
        this.sessions = sessions;
        this.log = log;
        this.commands = commands;
    }

    /** How many rooms exist, on every node: reads every room, so for a periodic census only. */
    public Uni<Integer> count() {
        return rooms.values().map(List::size);
    }

    /** A room with its members and their presence, for operators; {@code null} if there is no such room. */
    public Uni<Entered> details(String roomId) {
        return rooms.get(roomId).flatMap(room -> room == null ? Uni.createFrom().nullItem() : entered(room));
    }

    /** Every room, listed or not, oldest first, for operators. */
    public Uni<List<Room>> all() {
        return rooms.values().map(all -> all.stream()
                .sorted(Comparator.comparingLong(Room::createdAt).thenComparing(Room::id))
                .toList());
    }

    public Uni<List<ServerMessage.MultiRoom>> list(int limit) {
        return all().map(all -> all.stream()
                .filter(Room::listed)
                .limit(limit)
                .map(room -> room.view().withoutData())
                .toList());
    }

    /**
     * The events of {@code roomId} after {@code afterSeq} that {@code userId} would have received, read from the
     * history; at most the configured number of events back.
     */
    public Uni<Replay> replay(String roomId, long afterSeq, String userId) {
        return rooms.get(roomId).flatMap(room -> log.replay(room, afterSeq, userId));
    }

    /** Returns the {@code ROOM_UPDATED} event, which answers the request. */
    public Uni<RoomEvent> update(Actor actor, String roomId, RoomRequests.Update request) {
        return RoomLog.retried(committed(roomId, commands.update(actor, request)));
    }

    /** Returns the {@code ROOM_UPDATED} event, which answers the request. */
    public Uni<RoomEvent> setRoomData(Actor actor, String roomId, ObjectNode patch) {
        return RoomLog.retried(committed(roomId, commands.setData(actor, patch)));
    }

    /** Returns the {@code MESSAGE} event, which answers the request. */
    public Uni<RoomEvent> send(Actor actor, String roomId, RoomRequests.Send request) {
        return RoomLog.retried(committed(roomId, commands.send(actor, request)));
    }

    /**
     * The application's backend posts into a room: a {@code MESSAGE} without {@code from}, a room event like any
     * other. An unknown room is {@code ROOM_NOT_FOUND}.
     *
     * @return the event's seq
     */
    public Uni<Long> publish(String roomId, RoomRequests.Send request) {
        return RoomLog.retried(changed(roomId, commands.send(Actor.SERVER, request))).map(change -> change.after().seq());
    }

    /** The application's backend patches a room's data; the members get {@code ROOM_UPDATED}. Returns its seq. */
    public Uni<Long> patchData(String roomId, ObjectNode patch) {
        return RoomLog.retried(changed(roomId, commands.setData(Actor.SERVER, patch)))
                .map(change -> change.after().seq());
    }

    /**
     * Applies a merge patch to the user's data. In a room the result is a room event for every member, which also
     * answers the requester; outside one it is only the requester's answer, which the caller sends.
     */
    public Uni<UserDataAnswer> setUserData(Actor actor, ObjectNode patch) {
        return sessions.changeData(actor.userId(), data -> commands.patchUserData(data, patch)).flatMap(session -> {
            if (session.room() == null) {
                return Uni.createFrom().item(new UserDataAnswer(
                        codec.write(new ServerMessage.UserUpdated(null, null, null, session.member())), false));
            }
            return RoomLog.retried(committed(session.room(), commands.userUpdated(actor, session)))
                    .map(event -> new UserDataAnswer(event.text(), true));
        });
    }

    /**
     * The answer to {@code SET_USER_DATA}, without {@code rid}.
     *
     * @param delivered whether it is a room event, which reaches the requester like every member
     */
    public record UserDataAnswer(String text, boolean delivered) {
    }

    Uni<Room> get(String roomId) {
        return rooms.get(roomId);
    }

    Uni<Boolean> putIfAbsent(Room room) {
        return rooms.putIfAbsent(room.id(), room);
    }

    /** Applies {@code command} to the stored room atomically; what it produced is not committed yet. */
    Uni<SharedMap.Change<Room>> apply(String roomId, RoomCommand command) {
        return rooms.update(roomId, command::apply);
    }

    /** Commits the events {@code command} produced, if it changed the room. */
    Uni<SharedMap.Change<Room>> commit(RoomCommand command, SharedMap.Change<Room> change) {
        return !change.changed() ? Uni.createFrom().item(change) : commitEvents(command, change).replaceWith(change);
    }

    /** Commits the events of a change {@code command} made; yields the first, which answers the request. */
    Uni<RoomEvent> commitEvents(RoomCommand command, SharedMap.Change<Room> change) {
        return log.commit(command.events(change.before(), change.after()));
    }

    /** Applies {@code command} and commits its events; yields the first, {@code null} if nothing changed. */
    Uni<RoomEvent> committed(String roomId, RoomCommand command) {
        return apply(roomId, command).flatMap(change -> change.changed() ? commitEvents(command, change)
                : Uni.createFrom().nullItem());
    }

    /** Applies {@code command} and commits its events. */
    Uni<SharedMap.Change<Room>> changed(String roomId, RoomCommand command) {
        return apply(roomId, command).flatMap(change -> commit(command, change));
    }

    /** The room with its members as they are now. */
    Uni<Entered> entered(Room room) {
        Set<String> ids = new LinkedHashSet<>();
        room.members().forEach(member -> ids.add(member.userId()));
        return sessions.getAll(ids).map(found -> new Entered(room, room.members().stream()
                .map(member -> found.get(member.userId()))
                .filter(Objects::nonNull)
                .map(Session::member)
                .toList(), room.seq()));
    }
}

package io.multistudio.room;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The stored rooms: what can be read about them, and the changes that leave their members as they are (settings,
 * data, messages, a member's data). A change of the room itself is one atomic update of the stored room, then its
 * event is committed to the {@link RoomLog}, which gives it its seq, showing the room as the newest view known here
 * ({@link RoomViews}); an event that changes nothing stored (a message, a member's data) is only committed there.
 * Who is in which room changes only through {@link Membership}.
 */
@Startup
@Singleton
public class Rooms {

    private final SharedMap<Room> rooms;
    private final SessionService sessions;
    private final RoomLog log;
    private final RoomCommands commands;
    private final Codec codec;
    private final SeqHeads heads;
    private final RoomEvents events;
    private final RoomIndex index;
    private final RoomViews views;

    Rooms(Engine engine, SessionService sessions, RoomLog log, RoomCommands commands, Codec codec, SeqHeads heads,
            RoomEvents events, RoomIndex index, RoomViews views) {
        this.index = index;
        this.views = views;
        this.codec = codec;
        this.heads = heads;
        this.events = events;
        this.rooms = engine.map("rooms", Room.class, room -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        this.sessions = sessions;
        this.log = log;
        this.commands = commands;
    }

    /** How many rooms exist, on every node, as the store counts them: no room is read. */
    public Uni<Long> count() {
        return rooms.size();
    }

    /** A room with its members and their presence, for operators; {@code null} if there is no such room. */
    public Uni<Entered> details(String roomId) {
        return rooms.get(roomId).flatMap(room -> room == null ? Uni.createFrom().nullItem()
                : log.latest(room).flatMap(latest -> entered(room, latest)));
    }

    /** Every room, listed or not, oldest first, for operators. */
    public Uni<List<Room>> all() {
        return rooms.values().map(all -> all.stream()
                .sorted(Comparator.comparingLong(Room::createdAt).thenComparing(Room::id))
                .toList());
    }

    /** The listed rooms for {@code LIST_ROOMS}, from their index (see {@link RoomIndex}). */
    public Uni<List<ServerMessage.MultiRoom>> list(int limit) {
        return index.list(limit);
    }

    /**
     * The events of {@code roomId} after {@code afterSeq} that {@code userId} would have received, read from the
     * history; at most the configured number of events back.
     */
    public Uni<Replay> replay(String roomId, long afterSeq, String userId) {
        return rooms.get(roomId).flatMap(room -> log.replay(room, afterSeq, userId));
    }

    /** Like {@link #replay(String, long, String)} for a room just read, which is not read again. */
    public Uni<Replay> replay(Room room, long afterSeq, String userId) {
        return log.replay(room, afterSeq, userId);
    }

    /** Returns the {@code ROOM_UPDATED} event, which answers the request. */
    public Uni<RoomEvent> update(Actor actor, String roomId, RoomRequests.Update request) {
        return changed(roomId, commands.update(actor, request)).map(Committed::first);
    }

    /** Returns the {@code ROOM_UPDATED} event, which answers the request. */
    public Uni<RoomEvent> setRoomData(Actor actor, String roomId, ObjectNode patch) {
        return changed(roomId, commands.setData(actor, patch)).map(Committed::first);
    }

    /** Returns the {@code MESSAGE} event, which answers the request. */
    public Uni<RoomEvent> send(Actor actor, String roomId, RoomRequests.Send request) {
        return noticed(roomId, commands.send(actor, request));
    }

    /**
     * The application's backend posts into a room: a {@code MESSAGE} without {@code from}, a room event like any
     * other. An unknown room is {@code ROOM_NOT_FOUND}.
     *
     * @return the event's seq
     */
    public Uni<Long> publish(String roomId, RoomRequests.Send request) {
        return noticed(roomId, commands.send(Actor.SERVER, request)).map(RoomEvent::seq);
    }

    /** The application's backend patches a room's data; the members get {@code ROOM_UPDATED}. Returns its seq. */
    public Uni<Long> patchData(String roomId, ObjectNode patch) {
        return changed(roomId, commands.setData(Actor.SERVER, patch)).map(committed -> committed.first().seq());
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
            return noticed(session.room(), commands.userUpdated(actor, session))
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

    /**
     * Stores a new room; a room this node created has no event yet, so this node follows it from seq 0 on and its
     * first event takes its seq without reading the stored head and the history first.
     */
    Uni<Boolean> putIfAbsent(Room room) {
        return rooms.putIfAbsent(room.id(), room).call(created -> {
            if (!created) {
                return Uni.createFrom().voidItem();
            }
            heads.saw(room.instance(), room.seq());
            return index.changed(null, room);
        });
    }

    /**
     * Applies {@code command} to the stored room atomically; what it produced is not committed yet. The record
     * notes the latest seq this node knows, where a node that did not follow the room starts looking for it.
     */
    Uni<SharedMap.Change<Room>> apply(String roomId, RoomCommand command) {
        return rooms.update(roomId, current -> {
            Room next = command.apply(current);
            return next == null || next == current ? next : next.replacing(current, heads.known(next.instance(), 0));
        }).invoke(change -> {
            if (change.changed() && change.after() != null) {
                views.stored(change.after());
            }
        });
    }

    /** Commits the events {@code command} produced, if it changed the room; a room that ended forgets its head. */
    Uni<Committed> commit(RoomCommand command, SharedMap.Change<Room> change) {
        if (!change.changed()) {
            return Uni.createFrom().item(new Committed(change, List.of()));
        }
        Room room = change.after() == null ? change.before() : change.after();
        List<RoomNotice> notices = command.events(change.before(), change.after()).stream()
                .map(draft -> RoomNotice.of(draft, () -> views.of(room)))
                .toList();
        return index.changed(change.before(), change.after())
                .flatMap(indexed -> log.commitAll(room, notices))
                .call(events -> change.after() == null ? log.ended(room).onFailure().recoverWithNull()
                        : Uni.createFrom().voidItem())
                .map(events -> new Committed(change, events));
    }

    /** Applies {@code command} and commits its events. */
    Uni<Committed> changed(String roomId, RoomCommand command) {
        return apply(roomId, command).flatMap(change -> commit(command, change));
    }

    /**
     * Commits {@code notice}, an event that changes nothing stored in the room, in one store call when a member of
     * the room is connected here (this node follows the room), else after reading the room.
     */
    Uni<RoomEvent> noticed(String roomId, RoomNotice notice) {
        Room known = events.known(roomId);
        Uni<RoomEvent> stored = Uni.createFrom().deferred(() -> rooms.get(roomId))
                .flatMap(room -> log.commit(room, notice));
        if (known == null) {
            return stored;
        }
        // This node's view trails the stored room by the events still on their way here (a join answered a moment
        // ago, a gap being filled): what it refuses, or finds no event for, is asked again of the stored room, which
        // every membership change updates, so a member is never told it is not in its room, nor taken for gone.
        return log.commit(known, notice).onItemOrFailure().transformToUni((event, failure) -> {
            if (failure instanceof ProtocolException || failure == null && event == null) {
                return stored;
            }
            return failure == null ? Uni.createFrom().item(event) : Uni.createFrom().failure(failure);
        });
    }

    /** The room with its members as they are now, entered at {@code seq}. */
    public Uni<Entered> entered(Room room, long seq) {
        return members(room).map(members -> new Entered(room, members, seq));
    }

    /** The members of {@code room} as their sessions are now, in the room's order. */
    Uni<List<ServerMessage.Member>> members(Room room) {
        Set<String> ids = new LinkedHashSet<>();
        room.members().forEach(member -> ids.add(member.userId()));
        return sessions.getAll(ids).map(found -> room.members().stream()
                .map(member -> found.get(member.userId()))
                .filter(Objects::nonNull)
                .map(Session::member)
                .toList());
    }

    /** A change of the stored room and its events, committed in order. */
    record Committed(SharedMap.Change<Room> change, List<RoomEvent> events) {

        /** The event that answers the request, {@code null} if nothing changed. */
        RoomEvent first() {
            return events.isEmpty() ? null : events.get(0);
        }
    }
}

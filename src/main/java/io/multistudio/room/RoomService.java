package io.multistudio.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.backend.Webhooks;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Why;
import io.multistudio.session.HelloRequest;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Rooms and their events. Each change is one atomic update of the room that also takes the event's seq; the event is
 * then written to the room's history (for replay) before it is published for delivery, so that whatever a member
 * received can also be replayed.
 */
@Startup
@ApplicationScoped
public class RoomService {

    private static final Logger LOG = Logger.getLogger(RoomService.class);
    static final int MAX_ROOM_DATA_BYTES = 65536;
    private static final int SEQ_ATTEMPTS = 3;

    private final SharedMap<Room> rooms;
    private final SharedMap<RoomEvent> history;
    private final SessionService sessions;
    private final RoomEvents events;
    private final MergePatch mergePatch;
    private final Codec codec;
    private final MultiStudioConfig config;
    private final Webhooks webhooks;

    RoomService(Engine engine, SessionService sessions, RoomEvents events, MergePatch mergePatch, Codec codec,
            MultiStudioConfig config, NodeRegistry nodes, Webhooks webhooks) {
        this.webhooks = webhooks;
        this.rooms = engine.map("rooms", Room.class, room -> Engine.IMMORTAL);
        this.history = engine.map("history", RoomEvent.class, event -> config.reconnectGrace());
        this.sessions = sessions;
        this.events = events;
        this.mergePatch = mergePatch;
        this.codec = codec;
        this.config = config;
        sessions.onExpired(this::expired);
        // Events committed on other nodes reach this node's members through the history; this node's own arrive
        // twice, and delivery drops the second copy by its seq.
        history.onWritten(events::publish);
        nodes.onNodeLost(this::nodeLost);
    }

    /** Who asks: the user, its connection, and the request's {@code rid}. */
    public record Actor(String userId, String connection, String rid) {

        /** The server itself: an operator or the application's backend, through the HTTP API. */
        public static final Actor SERVER = new Actor(null, null, null);

        boolean server() {
            return userId == null;
        }
    }

    /** A room the user is now in, with its members as of the seq it was entered at. */
    public record Entered(Room room, List<ServerMessage.Member> members, long seq) {
    }

    /**
     * Missed events of a room, in seq order; {@code complete} if the history still held all of them.
     *
     * @param readTo the seq up to which the history held every event without a gap: whatever of those is not in
     *        {@code events} was not for this user
     */
    public record Replay(Room room, List<RoomEvent> events, boolean complete, long readTo) {
    }

    public Uni<Entered> create(Actor actor, RoomRequests.Create request) {
        String id = request.room();
        String instance = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        ObjectNode data = request.data() == null ? JsonNodeFactory.instance.objectNode() : request.data();
        checkRoomDataSize(data);
        return sessions.enterRoom(actor.userId(), id).flatMap(session -> {
            Room room = new Room(id, instance, request.name() == null ? id : request.name(), actor.userId(),
                    request.capacity() == null ? Math.min(RoomRequests.DEFAULT_CAPACITY, config.maxRoomCapacity())
                            : request.capacity(),
                    request.listed(), passwordHash(instance, request.password()), data, now, 0,
                    List.of(new Room.RoomMember(actor.userId(), session.name(), now)));
            return rooms.putIfAbsent(id, room).flatMap(created -> created
                    ? webhooks.roomCreated(room).replaceWith(new Entered(room, List.of(session.member()), room.seq()))
                    : sessions.leaveRoom(actor.userId(), id).<Entered>map(ignored -> {
                        throw new ProtocolException(Why.ROOM_ID_TAKEN);
                    }));
        });
    }

    public Uni<Entered> join(Actor actor, RoomRequests.Join request) {
        return sessions.enterRoom(actor.userId(), request.room())
                .flatMap(session -> rooms.update(request.room(), room -> admit(room, session, request))
                        .onFailure().call(() -> sessions.leaveRoom(actor.userId(), request.room()))
                        .flatMap(change -> {
                            Room room = change.after();
                            RoomEvent joined = event(room, room.seq(), RoomEvent.USER_JOINED, actor, actor.userId(),
                                    null, new ServerMessage.UserJoined(room.id(), room.seq(), session.member()));
                            // The member admitted by this update is the room's last.
                            Room.RoomMember member = room.members().get(room.members().size() - 1);
                            return answered(commit(List.of(joined)))
                                    .call(() -> webhooks.userJoined(room, member, room.seq()))
                                    .flatMap(ignored -> entered(room, room.seq()));
                        }));
    }

    public Uni<Void> leave(Actor actor, String roomId, String reason) {
        return removeMember(roomId, actor.userId(), actor, reason)
                .flatMap(ignored -> sessions.leaveRoom(actor.userId(), roomId));
    }

    public Uni<Void> kick(Actor actor, String roomId, String target) {
        if (target.equals(actor.userId())) {
            return Uni.createFrom().failure(ProtocolException.invalidField("user", "an owner cannot kick itself"));
        }
        return rooms.get(roomId).flatMap(room -> {
            if (room == null || !room.hasMember(actor.userId())) {
                throw new ProtocolException(Why.NOT_IN_ROOM);
            }
            if (!actor.userId().equals(room.owner())) {
                throw new ProtocolException(Why.NOT_OWNER);
            }
            if (!room.hasMember(target)) {
                throw new ProtocolException(Why.USER_NOT_IN_ROOM);
            }
            return removeMember(roomId, target, actor, "kicked")
                    .flatMap(ignored -> sessions.leaveRoom(target, roomId));
        });
    }

    /** How many rooms exist, on every node: reads every room, so for a periodic census only. */
    public Uni<Integer> count() {
        return rooms.values().map(List::size);
    }

    /** A room with its members and their presence, for operators; {@code null} if there is no such room. */
    public Uni<Entered> details(String roomId) {
        return rooms.get(roomId).flatMap(room -> room == null ? Uni.createFrom().nullItem() : entered(room, room.seq()));
    }

    /** Every room, listed or not, oldest first, for operators. */
    public Uni<List<Room>> all() {
        return rooms.values().map(all -> all.stream()
                .sorted(Comparator.comparingLong(Room::createdAt).thenComparing(Room::id))
                .toList());
    }

    /**
     * Closes a room for an operator: it is deleted, and every member, on whichever node, gets {@code LEFT_ROOM} with
     * reason {@code closed}. Members in grace find no room when they resume.
     *
     * @return whether there was such a room
     */
    public Uni<Boolean> close(String roomId) {
        return rooms.update(roomId, room -> null).flatMap(change -> {
            Room closed = change.before();
            if (closed == null) {
                return Uni.createFrom().item(false);
            }
            long seq = closed.seq() + 1;
            RoomEvent event = new RoomEvent(roomId, closed.instance(), seq, RoomEvent.ROOM_CLOSED, null, null, null,
                    null, null, "closed", codec.write(new ServerMessage.LeftRoom(null, roomId, "closed")),
                    System.currentTimeMillis());
            List<Uni<Void>> leaving = closed.members().stream()
                    .map(member -> sessions.leaveRoom(member.userId(), roomId))
                    .toList();
            return answered(commit(List.of(event)))
                    .call(() -> webhooks.usersLeft(closed, closed.members(), seq, "closed", true))
                    .flatMap(ignored -> Uni.join().all(leaving).andCollectFailures())
                    .replaceWith(true);
        });
    }

    /** An operator removes a member: like a kick by the owner, with reason {@code kicked}. */
    public Uni<Boolean> remove(String roomId, String userId) {
        return rooms.get(roomId).flatMap(room -> {
            if (room == null || !room.hasMember(userId)) {
                return Uni.createFrom().item(false);
            }
            return removeMember(roomId, userId, Actor.SERVER, "kicked")
                    .flatMap(ignored -> sessions.leaveRoom(userId, roomId))
                    .replaceWith(true);
        });
    }

    public Uni<List<ServerMessage.MultiRoom>> list(int limit) {
        return rooms.values().map(all -> all.stream()
                .filter(Room::listed)
                .sorted(Comparator.comparingLong(Room::createdAt).thenComparing(Room::id))
                .limit(limit)
                .map(room -> room.view().withoutData())
                .toList());
    }

    public Uni<Void> update(Actor actor, String roomId, RoomRequests.Update request) {
        return retried(change(roomId, actor, room -> {
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
        }).flatMap(room -> commit(List.of(roomUpdated(room, room.seq(), actor)))));
    }

    public Uni<Void> setRoomData(Actor actor, String roomId, ObjectNode patch) {
        return patchRoomData(actor, roomId, patch).replaceWithVoid();
    }

    public Uni<Void> send(Actor actor, String roomId, RoomRequests.Send request) {
        return message(actor, roomId, request).replaceWithVoid();
    }

    /**
     * The application's backend posts into a room: a {@code MESSAGE} without {@code from}, a room event like any
     * other. An unknown room is {@code ROOM_NOT_FOUND}.
     *
     * @return the event's seq
     */
    public Uni<Long> publish(String roomId, RoomRequests.Send request) {
        return message(Actor.SERVER, roomId, request).map(Room::seq);
    }

    /** The application's backend patches a room's data; the members get {@code ROOM_UPDATED}. Returns its seq. */
    public Uni<Long> patchData(String roomId, ObjectNode patch) {
        return patchRoomData(Actor.SERVER, roomId, patch).map(Room::seq);
    }

    private Uni<Room> patchRoomData(Actor actor, String roomId, ObjectNode patch) {
        return retried(change(roomId, actor, room -> {
            ObjectNode data = mergePatch.apply(room.data(), patch);
            checkRoomDataSize(data);
            return room.withData(data);
        }).call(room -> commit(List.of(roomUpdated(room, room.seq(), actor)))));
    }

    private Uni<Room> message(Actor actor, String roomId, RoomRequests.Send request) {
        return retried(change(roomId, actor, room -> {
            if (request.to() != null && !room.hasMember(request.to())) {
                throw new ProtocolException(Why.USER_NOT_IN_ROOM);
            }
            return room.next(1);
        }).call(room -> commit(List.of(event(room, room.seq(), "MESSAGE", actor, null, request.to(),
                new ServerMessage.Message(room.id(), room.seq(), actor.userId(), request.data(), request.to()))))));
    }

    /**
     * Applies a merge patch to the user's data. In a room the result is a room event for every member; outside one
     * it is only the requester's answer, which this returns.
     */
    public Uni<ServerMessage.UserUpdated> setUserData(Actor actor, ObjectNode patch) {
        return sessions.changeData(actor.userId(), data -> {
            ObjectNode patched = mergePatch.apply(data, patch);
            HelloRequest.checkUserDataSize(patched, codec);
            return patched;
        }).flatMap(session -> {
            if (session.room() == null) {
                return Uni.createFrom().item(new ServerMessage.UserUpdated(actor.rid(), null, null, session.member()));
            }
            return retried(change(session.room(), actor, room -> room.next(1))
                    .flatMap(room -> commit(List.of(event(room, room.seq(), "USER_UPDATED", actor, actor.userId(),
                            null, new ServerMessage.UserUpdated(null, room.id(), room.seq(), session.member()))))))
                    .replaceWith((ServerMessage.UserUpdated) null);
        });
    }

    /** A member's connection was lost: the others see it away. */
    public Uni<Void> away(Session session) {
        return presence(session, RoomEvent.USER_AWAY, null).replaceWithVoid();
    }

    /** A member resumed: the others see it back. Returns the room and its seq then, {@code null} if it is gone. */
    public Uni<Entered> back(Session session, String connection) {
        return presence(session, RoomEvent.USER_BACK, connection)
                .flatMap(room -> room == null ? Uni.createFrom().nullItem() : entered(room, room.seq()));
    }

    /**
     * The events of {@code roomId} after {@code afterSeq} that {@code userId} would have received, read from the
     * history; at most the configured number of events back.
     */
    public Uni<Replay> replay(String roomId, long afterSeq, String userId) {
        return rooms.get(roomId).flatMap(room -> {
            if (room == null) {
                return Uni.createFrom().item(new Replay(null, List.of(), false, afterSeq));
            }
            long from = Math.max(afterSeq + 1, room.seq() - config.roomHistory() + 1);
            boolean withinCount = from == afterSeq + 1;
            String anchor = historyKey(room.instance(), afterSeq);
            Set<String> keys = historyKeys(room.instance(), from, room.seq());
            Set<String> read = new LinkedHashSet<>(keys);
            read.add(anchor);
            return history.getAll(read).map(found -> {
                // A seq can be absent for two harmless reasons: another node is still committing it (it arrives
                // live), or its writer died before committing it (nobody ever got it). Only expiry loses events, and
                // none of the missed ones can have expired while the last one the client had is still there, since
                // they are all younger.
                boolean anchored = found.containsKey(anchor);
                boolean complete = afterSeq >= room.seq()
                        || withinCount && (anchored || found.keySet().containsAll(keys));
                List<RoomEvent> missed = found.values().stream()
                        .filter(event -> event.seq() > afterSeq && event.visibleTo(userId))
                        .sorted(Comparator.comparingLong(RoomEvent::seq))
                        .toList();
                long readTo = afterSeq;
                while (readTo < room.seq() && found.containsKey(historyKey(room.instance(), readTo + 1))) {
                    readTo++;
                }
                return new Replay(room, missed, complete, readTo);
            });
        });
    }

    private Uni<Room> presence(Session session, String type, String connection) {
        if (session.room() == null) {
            return Uni.createFrom().nullItem();
        }
        Actor actor = new Actor(session.id(), connection, null);
        return retried(rooms.update(session.room(),
                room -> room != null && room.hasMember(session.id()) ? room.next(1) : room)
                .flatMap(change -> {
                    if (!change.changed()) {
                        return sessions.leaveRoom(session.id(), session.room()).replaceWith((Room) null);
                    }
                    Room room = change.after();
                    RoomEvent event = event(room, room.seq(), type, actor, session.id(), null,
                            new ServerMessage.Presence(type, room.id(), room.seq(), session.id()));
                    return commit(List.of(event)).replaceWith(room);
                }));
    }

    /**
     * The events of one room incarnation with seqs from {@code fromSeq} to {@code toSeq}, those the history holds,
     * in seq order: what a node missed when an event did not reach it.
     */
    public Uni<List<RoomEvent>> events(String instance, long fromSeq, long toSeq) {
        return history.getAll(historyKeys(instance, fromSeq, toSeq)).map(found -> found.values().stream()
                .sorted(Comparator.comparingLong(RoomEvent::seq))
                .toList());
    }

    /** The members a lost node served are away now: their sessions wait out the grace like any abnormal loss. */
    private void nodeLost(String nodeId) {
        sessions.detachAllOf(nodeId)
                .flatMap(detached -> detached.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(detached.stream().map(this::away).toList()).andCollectFailures()
                                .replaceWithVoid())
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf(failure, "Could not put the sessions of lost node %s into grace", nodeId));
    }

    /** A session's grace ran out: it leaves its room. Every node hears of it; only the update that wins acts. */
    private void expired(Session session) {
        if (session.room() == null) {
            return;
        }
        removeMember(session.room(), session.id(), new Actor(session.id(), null, null), "expired")
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf(failure, "Could not remove expired user from room %s", session.room()));
    }

    private Uni<Void> removeMember(String roomId, String userId, Actor actor, String reason) {
        return rooms.update(roomId, room -> room != null && room.hasMember(userId) ? room.withoutMember(userId) : room)
                .flatMap(change -> {
                    if (!change.changed()) {
                        return Uni.createFrom().voidItem();
                    }
                    Room before = change.before();
                    Room after = change.after();
                    long seq = before.seq() + 1;
                    List<RoomEvent> committed = new ArrayList<>(2);
                    committed.add(event(before, seq, RoomEvent.USER_LEFT, actor, userId, null,
                            new ServerMessage.UserLeft(roomId, seq, userId, reason), reason));
                    if (after != null && !Objects.equals(after.owner(), before.owner())) {
                        committed.add(roomUpdated(after, seq + 1, Actor.SERVER));
                    }
                    List<Room.RoomMember> leaving = before.members().stream()
                            .filter(member -> member.userId().equals(userId))
                            .toList();
                    return answered(commit(committed))
                            .call(() -> webhooks.usersLeft(before, leaving, seq, reason, after == null));
                });
    }

    /**
     * An update of a room the actor must be a member of (the server acts on any room that exists); the change itself
     * may refuse with a protocol error.
     */
    private Uni<Room> change(String roomId, Actor actor, UnaryOperator<Room> change) {
        return rooms.update(roomId, room -> {
            if (room == null && actor.server()) {
                throw new ProtocolException(Why.ROOM_NOT_FOUND);
            }
            if (room == null || !actor.server() && !room.hasMember(actor.userId())) {
                throw new ProtocolException(Why.NOT_IN_ROOM);
            }
            return change.apply(room);
        }).map(SharedMap.Change::after);
    }

    private Room admit(Room room, Session session, RoomRequests.Join request) {
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

    private Uni<Entered> entered(Room room, long seq) {
        Set<String> ids = new LinkedHashSet<>();
        room.members().forEach(member -> ids.add(member.userId()));
        return sessions.getAll(ids).map(found -> new Entered(room, members(room, found), seq));
    }

    private static List<ServerMessage.Member> members(Room room, Map<String, Session> sessions) {
        return room.members().stream()
                .map(member -> sessions.get(member.userId()))
                .filter(Objects::nonNull)
                .map(Session::member)
                .toList();
    }

    /** Writes the events to the history, trims it to its bound, then hands them over for delivery in order. */
    private Uni<Void> commit(List<RoomEvent> committed) {
        List<Uni<Boolean>> writes = committed.stream()
                .map(event -> history.putIfAbsent(historyKey(event), event)
                        .flatMap(written -> written ? Uni.createFrom().item(true) : ownWrite(event)))
                .toList();
        return Uni.join().all(writes).andFailFast().invoke(written -> {
            for (int i = 0; i < committed.size(); i++) {
                if (written.get(i)) {
                    events.publish(committed.get(i));
                    trimHistory(committed.get(i));
                }
            }
            if (written.contains(false)) {
                throw new SeqTaken();
            }
        }).replaceWithVoid();
    }

    /**
     * A store that lost a node can apply a write and still report it failed; the client then tries again and finds
     * its own first write. That is this event committed, not a seq taken by another.
     */
    private Uni<Boolean> ownWrite(RoomEvent event) {
        return history.get(historyKey(event)).map(event::equals);
    }

    /**
     * A change that can simply be made again (a message, a patch, settings, presence) takes a fresh seq when its
     * seq was taken; what remains refused is answered as a store failure, never left unanswered.
     */
    private static <T> Uni<T> retried(Uni<T> change) {
        return answered(change.onFailure(SeqTaken.class).retry().atMost(SEQ_ATTEMPTS));
    }

    private static <T> Uni<T> answered(Uni<T> change) {
        return change.onFailure(SeqTaken.class)
                .transform(taken -> new StoreUnavailableException("A room event lost its seq to another", taken));
    }

    /**
     * Two writers can win the same seq only when a store node fails mid-update (optimistic versions are not
     * transactional); the history keeps the first event under a seq, and the other change must be made again.
     */
    private static final class SeqTaken extends RuntimeException {
        SeqTaken() {
            super("seq taken", null, false, false);
        }
    }

    private void trimHistory(RoomEvent event) {
        long expelled = event.seq() - config.roomHistory();
        if (expelled > 0) {
            history.remove(historyKey(event.instance(), expelled)).subscribe().with(ignored -> {
            }, failure -> LOG.debugf(failure, "Could not trim history of %s", event.room()));
        }
    }

    private RoomEvent roomUpdated(Room room, long seq, Actor actor) {
        return event(room, seq, "ROOM_UPDATED", actor, null, null, new ServerMessage.RoomUpdated(room.view(), seq));
    }

    private RoomEvent event(Room room, long seq, String type, Actor actor, String subject, String to,
            ServerMessage message) {
        return event(room, seq, type, actor, subject, to, message, null);
    }

    private RoomEvent event(Room room, long seq, String type, Actor actor, String subject, String to,
            ServerMessage message, String reason) {
        return new RoomEvent(room.id(), room.instance(), seq, type, subject,
                "MESSAGE".equals(type) ? actor.userId() : null, to, actor.connection(), actor.rid(), reason,
                codec.write(message), System.currentTimeMillis());
    }

    private void checkRoomDataSize(ObjectNode data) {
        if (codec.serializedSize(data) > MAX_ROOM_DATA_BYTES) {
            throw new ProtocolException(Why.DATA_TOO_LARGE, "data",
                    "room data may take at most " + MAX_ROOM_DATA_BYTES + " bytes");
        }
    }

    private static String historyKey(RoomEvent event) {
        return historyKey(event.instance(), event.seq());
    }

    private static Set<String> historyKeys(String instance, long fromSeq, long toSeq) {
        Set<String> keys = new LinkedHashSet<>();
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            keys.add(historyKey(instance, seq));
        }
        return keys;
    }

    static String historyKey(String instance, long seq) {
        return instance + ":" + seq;
    }

    private static String passwordHash(String instance, String password) {
        if (password == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((instance + ":" + password).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}

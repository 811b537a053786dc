package io.multistudio.room;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.backend.Webhooks;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Why;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Who is in which room, across the cluster. The only writer of both stored records of it, the room's members and the
 * session's room, so that entering, leaving, kicks, closes, expiry and a node's loss keep the two in step. Entering
 * marks the session first (which refuses a user already in a room) and the room second, and a refused room undoes
 * the mark; leaving takes the user out of the room first, then clears the session's room.
 */
@Singleton
public class Membership {

    private static final Logger LOG = Logger.getLogger(Membership.class);

    private final Rooms rooms;
    private final RoomCommands commands;
    private final SessionService sessions;
    private final MultiStudioConfig config;
    private final Webhooks webhooks;

    Membership(Rooms rooms, RoomCommands commands, SessionService sessions, MultiStudioConfig config,
            Webhooks webhooks) {
        this.webhooks = webhooks;
        this.rooms = rooms;
        this.commands = commands;
        this.sessions = sessions;
        this.config = config;
    }

    /** From startup on, sessions whose grace ran out and the members of lost nodes leave or go away. */
    void listen(@Observes StartupEvent startup, NodeRegistry nodes) {
        sessions.onExpired(this::expired);
        nodes.onNodeLost(this::nodeLost);
    }

    /** The room is made once the session is marked, so that its first member has the session's name. */
    public Uni<Entered> create(Actor actor, RoomRequests.Create request) {
        return sessions.enterRoom(actor.userId(), request.room()).flatMap(session -> Uni.createFrom()
                .item(() -> commands.create(actor, session.name(), request, config.maxRoomCapacity()))
                .flatMap(room -> rooms.putIfAbsent(room).flatMap(created -> {
                    if (!created) {
                        throw new ProtocolException(Why.ROOM_ID_TAKEN);
                    }
                    return webhooks.roomCreated(room)
                            .replaceWith(new Entered(room, List.of(session.member()), room.seq()));
                }))
                .onFailure(ProtocolException.class).call(() -> sessions.leaveRoom(actor.userId(), request.room())));
    }

    public Uni<Entered> join(Actor actor, RoomRequests.Join request) {
        return sessions.enterRoom(actor.userId(), request.room()).flatMap(session -> {
            RoomCommand join = commands.join(actor, session, request);
            // The members' sessions are read while the join commits, one round trip less before JOINED_ROOM. The
            // commit takes its seq as it is subscribed when this node follows the room, before the read starts, so a
            // member's data change committed here at a lower seq is in the sessions read; a later one reaches the
            // joiner as its event.
            return rooms.apply(request.room(), join)
                    .onFailure().call(() -> sessions.leaveRoom(actor.userId(), request.room()))
                    .flatMap(change -> Uni.combine().all()
                            .unis(rooms.commit(join, change), rooms.members(change.after())).asTuple()
                            .flatMap(joined -> {
                                Room room = change.after();
                                long seq = joined.getItem1().first().seq();
                                // The member admitted by this change is the room's last.
                                return webhooks.userJoined(room, room.members().get(room.members().size() - 1), seq)
                                        .replaceWith(new Entered(room, joined.getItem2(), seq));
                            }));
        });
    }

    public Uni<Void> leave(Actor actor, String roomId, String reason) {
        return removeMember(roomId, actor.userId(), actor, reason).replaceWithVoid();
    }

    /** Kicks {@code target}; returns the {@code USER_LEFT} event, {@code null} if the target left meanwhile. */
    public Uni<RoomEvent> kick(Actor actor, String roomId, String target) {
        if (target.equals(actor.userId())) {
            return Uni.createFrom().failure(ProtocolException.invalidField("user", "an owner cannot kick itself"));
        }
        return rooms.get(roomId).flatMap(room -> {
            commands.checkKick(room, actor, target);
            return removeMember(roomId, target, actor, "kicked");
        });
    }

    /**
     * Closes a room for an operator: it is deleted, and every member, on whichever node, gets {@code LEFT_ROOM} with
     * reason {@code closed}. Members in grace find no room when they resume.
     *
     * @return whether there was such a room
     */
    public Uni<Boolean> close(String roomId) {
        RoomCommand close = commands.close();
        return rooms.apply(roomId, close).flatMap(change -> {
            Room closed = change.before();
            if (closed == null) {
                return Uni.createFrom().item(false);
            }
            List<Uni<Void>> leaving = closed.members().stream()
                    .map(member -> sessions.leaveRoom(member.userId(), roomId))
                    .toList();
            return rooms.commit(close, change)
                    .call(done -> webhooks.usersLeft(closed, closed.members(), done.first().seq(), "closed", true))
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
            return removeMember(roomId, userId, Actor.SERVER, "kicked").replaceWith(true);
        });
    }

    /** A member's connection was lost: the others see it away. */
    public Uni<Void> away(Session session) {
        return presence(session, RoomEvent.USER_AWAY, null).replaceWithVoid();
    }

    /**
     * A member resumed: the others see it back. Returns its room as stored after {@code USER_BACK} and that event's
     * seq, {@code null} if the room is gone.
     */
    public Uni<Back> back(Session session, String connection) {
        return presence(session, RoomEvent.USER_BACK, connection).flatMap(back -> back == null
                ? Uni.createFrom().nullItem()
                : rooms.get(session.room()).map(room -> room == null || !room.instance().equals(back.instance())
                        ? null
                        : new Back(room, back.seq())));
    }

    /** The room a resumed member is back in, and the seq of its {@code USER_BACK}. */
    public record Back(Room room, long seq) {
    }

    /**
     * The presence event; {@code null} for a member whose room no longer has it (closed, or it was removed
     * meanwhile), which is out of the room for good.
     */
    private Uni<RoomEvent> presence(Session session, String type, String connection) {
        if (session.room() == null) {
            return Uni.createFrom().nullItem();
        }
        return rooms.noticed(session.room(), commands.presence(type, session, connection))
                .call(event -> event != null ? Uni.createFrom().voidItem()
                        : sessions.leaveRoom(session.id(), session.room()));
    }

    private void nodeLost(String nodeId) {
        awayAllOf(session -> nodeId.equals(session.node())).subscribe().with(ignored -> {
        }, failure -> LOG.warnf(failure, "Could not put the sessions of lost node %s into grace", nodeId));
    }

    /**
     * The members whose connection is gone (their node was lost, or the connection closed without its session
     * hearing of it) are away now: their sessions wait out the grace like any abnormal loss.
     *
     * @param gone tells whether an attached session's connection is gone
     */
    public Uni<Void> awayAllOf(Predicate<Session> gone) {
        return sessions.detachAllOf(gone).flatMap(detached -> all(detached.stream().map(this::away).toList()));
    }

    /**
     * The members of {@code rooms} whose session is gone (its expiry went unheard: every node was down) leave their
     * room, with reason {@code expired}; the last one out deletes the room.
     *
     * @param confirmed tells whether a ghost ({@code room/user}) is to go now
     */
    public Uni<Void> removeGhosts(List<Room> rooms, Predicate<String> confirmed) {
        return all(rooms.stream().map(room -> removeGhosts(room, confirmed)).toList());
    }

    private Uni<Void> removeGhosts(Room room, Predicate<String> confirmed) {
        Set<String> ids = new LinkedHashSet<>();
        room.members().forEach(member -> ids.add(member.userId()));
        return sessions.getAll(ids).flatMap(found -> all(ids.stream()
                .filter(id -> !found.containsKey(id) && confirmed.test(room.id() + "/" + id))
                .map(id -> leaveRoom(room.id(), id, new Actor(id, null, null), "expired").replaceWithVoid())
                .toList()));
    }

    private static <T> Uni<Void> all(List<Uni<T>> operations) {
        return operations.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(operations).andCollectFailures().replaceWithVoid();
    }

    /** A session's grace ran out: it leaves its room. Every node hears of it; only the update that wins acts. */
    private void expired(Session session) {
        if (session.room() == null) {
            return;
        }
        leaveRoom(session.room(), session.id(), new Actor(session.id(), null, null), "expired")
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf(failure, "Could not remove expired user from room %s", session.room()));
    }

    /**
     * {@code userId} leaves the room, then its session records that.
     *
     * @return the {@code USER_LEFT} event, {@code null} if {@code userId} was no member
     */
    private Uni<RoomEvent> removeMember(String roomId, String userId, Actor actor, String reason) {
        return leaveRoom(roomId, userId, actor, reason).call(() -> sessions.leaveRoom(userId, roomId));
    }

    /** {@code userId} leaves the room, if it is a member; the backend hears of it, and of the room's end. */
    private Uni<RoomEvent> leaveRoom(String roomId, String userId, Actor actor, String reason) {
        RoomCommand leave = commands.leave(userId, actor, reason);
        return rooms.changed(roomId, leave).flatMap(left -> !left.change().changed()
                ? Uni.createFrom().<RoomEvent>nullItem()
                : webhooks.usersLeft(left.change().before(), left.change().before().members().stream()
                        .filter(member -> member.userId().equals(userId)).toList(), left.first().seq(), reason,
                        left.change().after() == null).replaceWith(left.first()));
    }
}

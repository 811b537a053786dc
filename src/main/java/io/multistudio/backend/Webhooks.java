package io.multistudio.backend;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.room.Room;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The webhook events of what happens to rooms and sessions, recorded in the {@link Outbox}. Room events share their
 * room's lane and take their place from the room seq, so the receiver gets them in the room's order.
 */
@Startup
@Singleton
public class Webhooks {

    private static final Logger LOG = Logger.getLogger(Webhooks.class);
    private static final int CREATED = 0;
    private static final int MEMBERSHIP = 1;
    private static final int DELETED = 2;

    private final Outbox outbox;

    public Webhooks(Outbox outbox, SessionService sessions) {
        this.outbox = outbox;
        sessions.onExpired(this::expired);
    }

    /** A room was created, with its creator as its first member. */
    public Uni<Void> roomCreated(Room room) {
        Room.RoomMember creator = room.members().get(0);
        List<Outbox.Positioned> events = new ArrayList<>(2);
        add(events, "room.created", room.id(), null, null, null, position(0, CREATED));
        add(events, "user.joined", room.id(), user(creator), null, 0L, position(0, MEMBERSHIP));
        return room(room, events);
    }

    public Uni<Void> userJoined(Room room, Room.RoomMember member, long seq) {
        List<Outbox.Positioned> events = new ArrayList<>(1);
        add(events, "user.joined", room.id(), user(member), null, seq, position(seq, MEMBERSHIP));
        return room(room, events);
    }

    /**
     * Users left {@code room} at {@code seq} for {@code reason} ({@code left}, {@code kicked}, {@code expired},
     * {@code closed}); with {@code deleted}, the room went with them.
     */
    public Uni<Void> usersLeft(Room room, List<Room.RoomMember> members, long seq, String reason, boolean deleted) {
        List<Outbox.Positioned> events = new ArrayList<>();
        members.forEach(member -> add(events, "user.left", room.id(), user(member), reason, seq,
                position(seq, MEMBERSHIP)));
        if (deleted) {
            add(events, "room.deleted", room.id(), null, null, seq, position(seq, DELETED));
        }
        return room(room, events);
    }

    public Uni<Void> sessionStarted(Session session) {
        return session(session, "session.started", null);
    }

    /** The session ended with {@code BYE} (or a normal close). */
    public Uni<Void> sessionEnded(Session session) {
        return session(session, "session.ended", "bye");
    }

    /**
     * Every node hears of an expiry and records it, under an id that only this session's expiry has, so the first
     * record wins and the others change nothing.
     */
    private void expired(Session session) {
        if (!outbox.wants("session.ended")) {
            return;
        }
        String id = "evt_" + UUID.nameUUIDFromBytes(("expired\n" + session.id() + "\n" + session.attachments())
                .getBytes(StandardCharsets.UTF_8));
        WebhookEvent event = new WebhookEvent(id, "session.ended", System.currentTimeMillis(), null, user(session),
                "expired", null);
        session(session, event, true).subscribe().with(ignored -> {
                }, failure -> LOG.warnf("Could not record the expiry of %s: %s", session.id(), failure.getMessage()));
    }

    /**
     * Adds an event of {@code type} to {@code events} if the backend receives that type: for the others nothing is
     * made, not even an id (which takes secure random bytes), so that a server without webhooks spends nothing here.
     */
    private void add(List<Outbox.Positioned> events, String type, String room, WebhookEvent.User user, String reason,
            Long seq, long position) {
        if (outbox.wants(type)) {
            events.add(new Outbox.Positioned(new WebhookEvent(newId(), type, System.currentTimeMillis(), room, user,
                    reason, seq), position));
        }
    }

    private Uni<Void> room(Room room, List<Outbox.Positioned> events) {
        return events.isEmpty() ? Uni.createFrom().voidItem()
                : outbox.record("room:" + room.id(), room.createdAt(), events, false);
    }

    private Uni<Void> session(Session session, String type, String reason) {
        if (!outbox.wants(type)) {
            return Uni.createFrom().voidItem();
        }
        return session(session, new WebhookEvent(newId(), type, System.currentTimeMillis(), null, user(session),
                reason, null), false);
    }

    /** A user's session events share a lane, in the order they happened. */
    private Uni<Void> session(Session session, WebhookEvent event, boolean once) {
        return outbox.record("user:" + session.id(), 0, List.of(new Outbox.Positioned(event, event.at())), once);
    }

    private static long position(long seq, int step) {
        return seq * OutboxEntry.STEPS + step;
    }

    private static WebhookEvent.User user(Session session) {
        return new WebhookEvent.User(session.id(), session.name());
    }

    private static WebhookEvent.User user(Room.RoomMember member) {
        return new WebhookEvent.User(member.userId(), member.name());
    }

    private static String newId() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }
}

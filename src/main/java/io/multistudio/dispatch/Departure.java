package io.multistudio.dispatch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.backend.Webhooks;
import io.multistudio.delivery.LocalRooms;
import io.multistudio.keys.RequestKeys;
import io.multistudio.room.Actor;
import io.multistudio.room.Membership;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/**
 * A session leaves its connection: for good (an end: {@code BYE}, a client close with 1000, a newer session of the
 * same user), or for its reconnect grace (any other loss, a drain). Each store write here is tried again after a
 * failure, because left undone it strands the session until the repair sweep finds it.
 */
@Singleton
public class Departure {

    private static final Logger LOG = Logger.getLogger(Departure.class);
    /** A failed detach, end or {@code USER_AWAY} is tried this many times more, pausing from 0.2 s on, doubling. */
    public static final int RETRIES = 3;
    private static final Duration PAUSE = Duration.ofMillis(200);

    private final SessionService sessions;
    private final Membership membership;
    private final LocalRooms localRooms;
    private final Webhooks webhooks;
    private final RequestKeys keys;

    Departure(SessionService sessions, Membership membership, LocalRooms localRooms, Webhooks webhooks,
            RequestKeys keys) {
        this.sessions = sessions;
        this.membership = membership;
        this.localRooms = localRooms;
        this.webhooks = webhooks;
        this.keys = keys;
    }

    /**
     * The session ends for good: its user leaves its room with reason {@code left}, and the backend hears of it. A
     * failed end is tried again like a detach, and only ever ends the session while it is still attached to this
     * connection: one that a resume took meanwhile, here or on another node, is kept. An end that the store applied
     * although it answered with a failure leaves the next try nothing to end: the repair sweep then takes its user out
     * of its room (reason {@code expired}).
     */
    Uni<Void> end(Connection connection, String sessionId) {
        localRooms.detach(connection);
        return persistently(Uni.createFrom().deferred(() -> sessions.end(sessionId, connection.reference())))
                .onFailure().invoke(failure -> leftToSweep(sessionId, connection, failure))
                .flatMap(ended -> ended == null ? Uni.createFrom().voidItem()
                        : gone(ended, connection).call(() -> webhooks.sessionEnded(ended)));
    }

    /**
     * A session that ended, or that a fresh session of the same authenticated user replaced: its user leaves its room,
     * if any, with reason {@code left}, and its request keys are forgotten.
     */
    Uni<Void> gone(Session gone, Connection connection) {
        if (gone == null) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> left = gone.room() == null ? Uni.createFrom().voidItem()
                : membership.leave(new Actor(gone.id(), connection.reference(), null), gone.room(), "left");
        return Uni.join().all(left, keys.forget(gone.id())).andCollectFailures().replaceWithVoid();
    }

    /**
     * The session waits out its grace; its room sees the user away. Both writes are tried again after a failure (a
     * store hiccup, a timeout under load): left as they are, the session would stay attached to a connection that is
     * gone until the repair sweep finds it, or sit in grace while its room never hears that the user is away. A
     * detach the store applied although it answered with a failure is found so by the next try; a room event whose
     * answer was lost is committed again, and the room may then see the user away twice.
     */
    Uni<Void> detach(Connection connection, String sessionId) {
        long lastSeq = Math.max(localRooms.detach(connection), 0);
        AtomicBoolean tried = new AtomicBoolean();
        Uni<Session> detached = Uni.createFrom().deferred(() -> tried.getAndSet(true)
                ? sessions.detachAgain(sessionId, connection.reference(), connection.attachment(), lastSeq)
                : sessions.detach(sessionId, connection.reference(), lastSeq));
        return persistently(detached)
                .onFailure().invoke(failure -> leftToSweep(sessionId, connection, failure))
                .flatMap(session -> session == null ? Uni.createFrom().voidItem()
                        : persistently(Uni.createFrom().deferred(() -> membership.away(session)))
                                .onFailure().invoke(failure -> LOG.warnf("The room of session %s did not hear that"
                                        + " it is away: %s", sessionId, failure.getMessage())));
    }

    private static void leftToSweep(String sessionId, Connection connection, Throwable failure) {
        LOG.warnf("Session %s stays attached to closed connection %s until the repair sweep puts it into grace: %s",
                sessionId, connection.id(), failure.getMessage());
    }

    /**
     * {@code step}, tried again {@link #RETRIES} times after a failure, pausing from 0.2 s on, doubling. Mutiny's
     * retry with a back-off builds its machinery when it is subscribed: only a first failure reaches it, so that the
     * first try (nearly every one) costs what it did without retries.
     */
    private static <T> Uni<T> persistently(Uni<T> step) {
        return step.onFailure().recoverWithUni(() -> Uni.createFrom().voidItem().onItem().delayIt().by(PAUSE)
                .chain(() -> step.onFailure().retry().withBackOff(PAUSE.multipliedBy(2), PAUSE.multipliedBy(8))
                        .atMost(RETRIES - 1)));
    }
}

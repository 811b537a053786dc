package io.multistudio.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.auth.Authenticator;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Why;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Opens, resumes and ends sessions. A session lives in the engine, so any node can resume it; it never expires while
 * attached to a connection and expires after the reconnect grace once detached.
 */
@Startup
@Singleton
public class SessionService {

    private final SharedMap<Session> sessions;

    public SessionService(Engine engine, MultiStudioConfig config) {
        this.sessions = engine.map("sessions", Session.class,
                session -> session.connected() ? Engine.IMMORTAL : config.reconnectGrace());
    }

    /**
     * Resumes the session named by the request's token if the token is valid, else opens a fresh one; either way the
     * session is attached to {@code connection} and a new token is issued. With an authenticated {@code identity}
     * the session is the identity's user: a token for another user's session does not resume it, and a fresh
     * session replaces any the same user still had.
     *
     * @param identity the authenticated user, {@code null} when authentication is off
     */
    public Uni<Opened> open(String connection, HelloRequest hello, Authenticator.Identity identity) {
        return Tokens.parse(hello.reconnectToken())
                .filter(presented -> identity == null || presented.sessionId().equals(identity.userId()))
                .map(presented -> resume(connection, presented))
                .orElseGet(() -> Uni.createFrom().nullItem())
                .flatMap(resumed -> resumed != null ? Uni.createFrom().item(resumed)
                        : fresh(connection, hello, identity));
    }

    /**
     * Ends the session for good, unless another connection has taken it over meanwhile.
     *
     * @return the session that ended, {@code null} if it was not this connection's any more
     */
    public Uni<Session> end(String sessionId, String connection) {
        return sessions.update(sessionId, session -> attachedTo(session, connection) ? null : session)
                .map(change -> change.changed() ? change.before() : null);
    }

    /**
     * Puts the session into its grace after an abnormal loss, unless another connection has taken it over.
     *
     * @param lastSeq the last room event handed to the lost connection
     * @return the detached session, {@code null} if it was not this connection's any more
     */
    public Uni<Session> detach(String sessionId, String connection, long lastSeq) {
        return detach(sessionId, connection, lastSeq, found -> false);
    }

    /**
     * {@link #detach} tried again after it failed: the store may have applied the failed write and lost only its
     * answer, so a session found in grace and attached to nothing since the lost connection (its {@code attachment})
     * counts as detached by that connection.
     */
    public Uni<Session> detachAgain(String sessionId, String connection, long attachment, long lastSeq) {
        return detach(sessionId, connection, lastSeq,
                found -> found != null && !found.connected() && found.attachments() == attachment);
    }

    private Uni<Session> detach(String sessionId, String connection, long lastSeq, Predicate<Session> detachedBefore) {
        return sessions.update(sessionId,
                session -> attachedTo(session, connection) ? session.detached(lastSeq) : session)
                .map(change -> change.changed() ? change.after()
                        : detachedBefore.test(change.before()) ? change.before() : null);
    }

    /** Records that the user entered {@code room}; a user already in a room gets {@code ALREADY_IN_ROOM}. */
    public Uni<Session> enterRoom(String sessionId, String room) {
        return sessions.update(sessionId, session -> {
            if (session == null) {
                throw new SessionGone(sessionId);
            }
            if (session.room() != null) {
                throw new ProtocolException(Why.ALREADY_IN_ROOM);
            }
            return session.inRoom(room);
        }).map(SharedMap.Change::after);
    }

    /** Records that the user left {@code room}, if it is still the user's room. */
    public Uni<Void> leaveRoom(String sessionId, String room) {
        return sessions.update(sessionId,
                session -> session != null && room.equals(session.room()) ? session.inRoom(null) : session)
                .replaceWithVoid();
    }

    /** Replaces the user's data with {@code change} applied to it. */
    public Uni<Session> changeData(String sessionId, UnaryOperator<ObjectNode> change) {
        return sessions.update(sessionId, session -> {
            if (session == null) {
                throw new SessionGone(sessionId);
            }
            return session.withData(change.apply(session.data()));
        }).map(SharedMap.Change::after);
    }

    /** How many sessions exist, attached or in their grace, as the store counts them: no session is read. */
    public Uni<Long> count() {
        return sessions.size();
    }

    public Uni<Map<String, Session>> getAll(Set<String> sessionIds) {
        return sessions.getAll(sessionIds);
    }

    /**
     * Puts every attached session that {@code gone} picks into its grace: those of a lost node, which cannot do it
     * itself, or those attached to a connection that is gone. Each is detached only if it is still attached to the
     * connection it was read with, so exactly one node detaches it, and a session attached anew meanwhile is kept.
     *
     * @param gone tells whether an attached session's connection is gone
     * @return the sessions this call detached
     */
    public Uni<List<Session>> detachAllOf(Predicate<Session> gone) {
        return sessions.values().flatMap(all -> {
            List<Uni<Session>> detaches = all.stream()
                    .filter(session -> session.connected() && gone.test(session))
                    .map(session -> detach(session.id(), session.connection(), session.lastSeq()))
                    .toList();
            return detaches.isEmpty() ? Uni.createFrom().item(List.<Session>of())
                    : Uni.join().all(detaches).andCollectFailures()
                            .map(detached -> detached.stream().filter(Objects::nonNull).toList());
        });
    }

    /** Calls {@code listener} with each session written by any node, as it is after the write. */
    public void onWritten(Consumer<Session> listener) {
        sessions.onWritten(listener);
    }

    /** Calls {@code listener} with each session whose grace ran out. */
    public void onExpired(Consumer<Session> listener) {
        sessions.onExpired(listener);
    }

    private Uni<Opened> resume(String connection, Tokens.Presented presented) {
        Tokens.Issued next = Tokens.issue(presented.sessionId());
        return sessions.update(presented.sessionId(),
                session -> session != null && session.tokenHash().equals(presented.hash())
                        ? session.attachedTo(connection, next.hash())
                        : session)
                .map(change -> change.changed()
                        ? new Opened(change.after(), next.token(), true, change.before().connection(), null)
                        : null);
    }

    private Uni<Opened> fresh(String connection, HelloRequest hello, Authenticator.Identity identity) {
        if (hello.profileInvalid() != null) {
            return Uni.createFrom().failure(hello.profileInvalid());
        }
        String id = identity == null ? Ids.userId() : identity.userId();
        Tokens.Issued token = Tokens.issue(id);
        String name = hello.nameOr(identity == null ? null : identity.name());
        Session created = new Session(id, name, hello.dataOrEmpty(), token.hash(), connection, null, 0, 1);
        if (identity == null) {
            // A new random id is nobody's: one write, without reading first (another id on the unlikely clash).
            return sessions.putIfAbsent(id, created).flatMap(written -> written
                    ? Uni.createFrom().item(new Opened(created, token.token(), false, null, null))
                    : fresh(connection, hello, null));
        }
        // Counting on from a replaced session's attachments tells its connection, wherever it is, that it is stale.
        return sessions.update(id, existing -> existing == null ? created
                : new Session(id, name, hello.dataOrEmpty(), token.hash(), connection, null, 0,
                        existing.attachments() + 1))
                .map(change -> new Opened(change.after(), token.token(), false,
                        change.before() == null ? null : change.before().connection(), change.before()));
    }

    private static boolean attachedTo(Session session, String connection) {
        return session != null && connection.equals(session.connection());
    }

    /**
     * A session attached to a new connection.
     *
     * @param token the reconnect token to hand to the client
     * @param previousConnection the connection the session was still attached to before a resume, which must now be
     *        closed; {@code null} if none
     * @param replaced the session of the same authenticated user that a fresh session replaced, {@code null} if none
     */
    public record Opened(Session session, String token, boolean reconnected, String previousConnection,
            Session replaced) {
    }
}

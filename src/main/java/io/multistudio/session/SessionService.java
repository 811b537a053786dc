package io.multistudio.session;

import jakarta.enterprise.context.ApplicationScoped;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Opens, resumes and ends sessions. A session lives in the engine, so any node can resume it; it never expires while
 * attached to a connection and expires after the reconnect grace once detached.
 */
@Startup
@ApplicationScoped
public class SessionService {

    private final SharedMap<Session> sessions;

    SessionService(Engine engine, MultiStudioConfig config) {
        this.sessions = engine.map("sessions", Session.class,
                session -> session.connected() ? Engine.IMMORTAL : config.reconnectGrace());
    }

    /**
     * Resumes the session named by the request's token if the token is valid, else opens a fresh one; either way the
     * session is attached to {@code connection} and a new token is issued.
     */
    public Uni<Opened> open(String connection, HelloRequest hello) {
        return Tokens.parse(hello.reconnectToken())
                .map(presented -> resume(connection, presented))
                .orElseGet(() -> Uni.createFrom().nullItem())
                .flatMap(resumed -> resumed != null ? Uni.createFrom().item(resumed) : fresh(connection, hello));
    }

    /** Ends the session for good, unless another connection has taken it over meanwhile. */
    public Uni<Void> end(String sessionId, String connection) {
        return sessions.update(sessionId, session -> attachedTo(session, connection) ? null : session)
                .replaceWithVoid();
    }

    /** Puts the session into its grace after an abnormal loss, unless another connection has taken it over. */
    public Uni<Void> detach(String sessionId, String connection) {
        return sessions.update(sessionId, session -> attachedTo(session, connection) ? session.detached() : session)
                .replaceWithVoid();
    }

    private Uni<Opened> resume(String connection, Tokens.Presented presented) {
        Tokens.Issued next = Tokens.issue(presented.sessionId());
        return sessions.update(presented.sessionId(),
                session -> session != null && session.tokenHash().equals(presented.hash())
                        ? session.attachedTo(connection, next.hash())
                        : session)
                .map(change -> change.changed()
                        ? new Opened(change.after(), next.token(), true, change.before().connection())
                        : null);
    }

    private Uni<Opened> fresh(String connection, HelloRequest hello) {
        String id = Ids.userId();
        Tokens.Issued token = Tokens.issue(id);
        Session session = new Session(id, hello.nameOrGuest(), hello.dataOrEmpty(), token.hash(), connection);
        return sessions.put(id, session).replaceWith(new Opened(session, token.token(), false, null));
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
     */
    public record Opened(Session session, String token, boolean reconnected, String previousConnection) {
    }
}

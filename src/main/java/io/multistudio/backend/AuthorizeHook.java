package io.multistudio.backend;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Why;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.smallrye.mutiny.Uni;

/**
 * Asks the application's backend whether a user may create or join a room, before anything changes. A refusal is
 * {@code DENY}/{@code NOT_ALLOWED}; no usable answer in time is {@code UNAV}/{@code HOOK_UNAVAILABLE}. Off when no
 * URL is configured.
 */
@Singleton
public class AuthorizeHook {

    private static final Logger LOG = Logger.getLogger(AuthorizeHook.class);
    public static final String CREATE_ROOM = "create_room";
    public static final String JOIN_ROOM = "join_room";

    private final MultiStudioConfig.Authorize config;
    private final HookClient client;
    private final SessionService sessions;
    private final Codec codec;

    AuthorizeHook(MultiStudioConfig config, HookClient client, SessionService sessions, Codec codec) {
        this.config = config.authorize();
        this.client = client;
        this.sessions = sessions;
        this.codec = codec;
    }

    /** What the backend is asked. */
    record Question(String action, ServerMessage.User user, String room, String subject) {
    }

    /** Whether a backend is asked at all (a URL is configured). */
    public boolean enabled() {
        return config.url().isPresent();
    }

    /**
     * Completes when the backend allows {@code action} on {@code room}; fails with the protocol error otherwise.
     *
     * @param subject the JWT subject the user authenticated with, {@code null} without authentication
     */
    public Uni<Void> authorize(String action, String userId, String subject, String room) {
        if (!enabled()) {
            return Uni.createFrom().voidItem();
        }
        String url = config.url().get();
        return sessions.getAll(Set.of(userId))
                .map(found -> found.get(userId))
                .flatMap(session -> ask(url, new Question(action, user(session, userId), room, subject)));
    }

    private Uni<Void> ask(String url, Question question) {
        return client.post(url, codec.write(question), Map.of(), config.timeout())
                .onFailure().transform(failure -> {
                    LOG.warnf("The authorization hook did not answer: %s", failure.toString());
                    return new ProtocolException(Why.HOOK_UNAVAILABLE);
                })
                .map(reply -> verdict(reply));
    }

    private Void verdict(HookClient.Reply reply) {
        JsonNode answer = reply.ok() ? answer(reply.body()) : null;
        JsonNode allow = answer == null ? null : answer.get("allow");
        if (allow == null || !allow.isBoolean()) {
            LOG.warnf("The authorization hook answered %d without a boolean allow", reply.status());
            throw new ProtocolException(Why.HOOK_UNAVAILABLE);
        }
        if (!allow.booleanValue()) {
            JsonNode reason = answer.get("reason");
            throw new ProtocolException(Why.NOT_ALLOWED, null, reason == null || !reason.isTextual() ? null
                    : reason.textValue());
        }
        return null;
    }

    private JsonNode answer(String body) {
        try {
            return codec.mapper().readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static ServerMessage.User user(Session session, String userId) {
        return session == null ? new ServerMessage.User(userId, null, null) : session.user();
    }
}

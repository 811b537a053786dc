package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.auth.Authenticator;
import io.multistudio.backend.Webhooks;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.Membership;
import io.multistudio.session.HelloRequest;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.multistudio.transport.Connection;
import io.multistudio.transport.LocalConnections;
import io.smallrye.mutiny.Uni;

/**
 * {@code HELLO}: authentication when it is on, then a fresh session or the resume of the one the reconnect token
 * names, which takes it over from the connection it was still attached to and re-enters its room.
 */
@Singleton
class HelloHandler implements RequestHandler {

    private final Authenticator authenticator;
    private final SessionService sessions;
    private final LocalConnections connections;
    private final SessionLifecycle lifecycle;
    private final Departure departure;
    private final TakeOver takeOver;
    private final Membership membership;
    private final RoomEntry entry;
    private final Codec codec;
    private final ServerMetrics metrics;
    private final Webhooks webhooks;

    HelloHandler(Authenticator authenticator, SessionService sessions, LocalConnections connections,
            SessionLifecycle lifecycle, Departure departure, TakeOver takeOver, Membership membership, RoomEntry entry,
            Codec codec, ServerMetrics metrics, Webhooks webhooks) {
        this.webhooks = webhooks;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.connections = connections;
        this.lifecycle = lifecycle;
        this.departure = departure;
        this.takeOver = takeOver;
        this.membership = membership;
        this.entry = entry;
        this.codec = codec;
        this.metrics = metrics;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.HELLO;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        HelloRequest hello = HelloRequest.from(request, codec);
        // Without authentication there is no identity to wait for: two Uni stages less on every HELLO.
        Uni<Void> opened = authenticator.enabled()
                ? authenticator.verifyHello(hello.auth()).flatMap(user -> open(connection, request, hello, user))
                : open(connection, request, hello, null);
        return opened.replaceWith((String) null);
    }

    /** A fresh session, or the resume of the one the reconnect token names, for {@code user} if authenticated. */
    private Uni<Void> open(Connection connection, Request request, HelloRequest hello, Authenticator.Identity user) {
        return sessions.open(connection.reference(), hello, user).flatMap(opened -> {
            lifecycle.helloDone(connection);
            Session session = opened.session();
            connection.established(session.id(), session.attachments(), user == null ? null : user.subject());
            connections.bind(session.id(), connection);
            // A store that retried our own write shows it as the previous one: that connection is this one.
            String previous = connection.reference().equals(opened.previousConnection()) ? null
                    : opened.previousConnection();
            long takenOverSeq = takeOver.takeOver(previous);
            connection.send(codec.write(new ServerMessage.Hello(request.rid(), session.user(), opened.reconnected(),
                    opened.token())));
            if (!opened.reconnected()) {
                return webhooks.sessionStarted(session)
                        .flatMap(ignored -> departure.gone(opened.replaced(), connection));
            }
            if (session.room() == null) {
                metrics.resumed("outside_room");
                return Uni.createFrom().voidItem();
            }
            long lastSeq = hello.lastSeq() != null ? hello.lastSeq()
                    : takenOverSeq >= 0 ? takenOverSeq : session.lastSeq();
            return membership.back(session, connection.reference()).flatMap(back -> back == null
                    ? Uni.createFrom().voidItem()
                    : entry.reenter(connection, back, lastSeq, request.rid()));
        });
    }
}

package io.multistudio.dispatch;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.keys.RequestKeys;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.RequestException;
import io.multistudio.protocol.Why;
import io.multistudio.room.MarkedEvents;
import io.multistudio.session.SessionGone;
import io.multistudio.transport.Connection;
import io.multistudio.transport.Errors;
import io.smallrye.mutiny.Uni;

/**
 * Parses an admitted frame and routes the request to the handler of its kind, if the connection's state allows it:
 * {@code HELLO} first and once, everything else after it. The one place where a failed request becomes its protocol
 * error.
 */
@Singleton
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final Codec codec;
    private final Errors errors;
    private final SessionLifecycle lifecycle;
    private final RequestKeys keys;
    private final MarkedEvents marked;
    private final Map<Request.RequestKind, RequestHandler> handlers = new EnumMap<>(Request.RequestKind.class);

    Dispatcher(Codec codec, Errors errors, SessionLifecycle lifecycle, Instance<RequestHandler> handlers,
            RequestKeys keys, MarkedEvents marked) {
        this.keys = keys;
        this.marked = marked;
        this.codec = codec;
        this.errors = errors;
        this.lifecycle = lifecycle;
        handlers.forEach(handler -> this.handlers.put(handler.kind(), handler));
        for (Request.RequestKind kind : Request.RequestKind.values()) {
            if (!this.handlers.containsKey(kind)) {
                throw new IllegalStateException("No handler for " + kind);
            }
        }
    }

    public Uni<Void> dispatch(Connection connection, String text) {
        Request request;
        try {
            request = codec.parse(text);
        } catch (ProtocolException failure) {
            connection.send(errors.frame(failure, null));
            return Uni.createFrom().voidItem();
        } catch (RequestException failure) {
            connection.send(errors.frame(failure.failure(), failure.rid()));
            return Uni.createFrom().voidItem();
        }
        // Routed at once rather than in a deferred Uni (websockets-next subscribes as soon as it gets the Uni back):
        // a handler that throws fails its request the same way, with one stage less per request.
        Uni<Void> routed;
        try {
            routed = route(connection, request);
        } catch (RuntimeException failure) {
            routed = Uni.createFrom().failure(failure);
        }
        return routed.onFailure().recoverWithItem(failure -> {
            if (failure instanceof SessionGone) {
                lifecycle.sessionGone(connection);
            } else {
                connection.send(errorFor(failure, connection, request));
            }
            return null;
        });
    }

    private Uni<Void> route(Connection connection, Request request) {
        if (lifecycle.draining()) {
            return RequestHandler.fail(Why.SHUTTING_DOWN);
        }
        boolean hello = request.kind() == Request.RequestKind.HELLO;
        if ((connection.state() == Connection.State.ESTABLISHED) == hello) {
            return RequestHandler.fail(hello ? Why.HELLO_ALREADY_DONE : Why.HELLO_REQUIRED);
        }
        RequestHandler handler = handlers.get(request.kind());
        return keys.once(connection.sessionId(), request, () -> connection.state() == Connection.State.ESTABLISHED,
                new KeyedEffect(connection, request, handler, marked), connection::send);
    }

    private String errorFor(Throwable failure, Connection connection, Request request) {
        String rid = request.rid();
        // The drain takes the session and the room from each connection while a request may be running: whatever
        // such a request failed on, the cause is the node shutting down, not the room. The client resumes on another
        // node and may repeat it there.
        if (lifecycle.draining() && request.kind() != Request.RequestKind.HELLO
                && connection.state() != Connection.State.ESTABLISHED) {
            return errors.frame(Why.SHUTTING_DOWN, rid);
        }
        if (failure instanceof ProtocolException protocolFailure) {
            return errors.frame(protocolFailure, rid);
        }
        if (failure instanceof StoreUnavailableException) {
            LOG.warnf("Request failed, store unavailable: %s", failure.getMessage());
            return errors.frame(Why.STORE_UNAVAILABLE, rid);
        }
        LOG.errorf(failure, "Request failed");
        return errors.frame(Why.INTERNAL, rid);
    }
}

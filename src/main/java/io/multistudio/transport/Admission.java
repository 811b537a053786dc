package io.multistudio.transport;

import java.nio.charset.StandardCharsets;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Why;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.websockets.next.CloseReason;

/**
 * What a frame must pass before it is parsed: the size limit and the connection's rate budget. Also the protocol's
 * answer to a frame the WebSocket layer refused itself. (Origins are checked once, at the upgrade: {@link OriginCheck}.)
 */
@Singleton
class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    private static final CloseReason ABUSE = new CloseReason(1008, "rate limit abuse");
    private static final CloseReason TOO_LARGE = new CloseReason(1009, "message too large");

    private final Errors errors;
    private final Codec codec;
    private final MultiStudioConfig config;

    Admission(Errors errors, Codec codec, MultiStudioConfig config) {
        this.errors = errors;
        this.codec = codec;
        this.config = config;
    }

    /** Whether a text frame goes on to be parsed; a refused one has been answered. */
    boolean text(Connection connection, String text) {
        if (tooLarge(text)) {
            connection.sendAndClose(errors.frame(Why.MESSAGE_TOO_LARGE, null), TOO_LARGE);
            return false;
        }
        return admitted(connection, text);
    }

    /** The protocol is text only: a binary frame spends from the budget like any other and is answered. */
    void binary(Connection connection) {
        if (admitted(connection, null)) {
            connection.send(errors.frame(Why.BINARY_FRAME, null));
        }
    }

    /**
     * A frame over the transport's own ceiling never reaches {@link #text}: the WebSocket layer fails it, and the
     * client still gets the protocol's answer for it.
     *
     * @param connection {@code null} if the connection is not (or no longer) open here
     */
    void failed(Connection connection, String socketId, Throwable failure) {
        if (connection != null && overTransportCeiling(failure)) {
            connection.sendAndClose(errors.frame(Why.MESSAGE_TOO_LARGE, null), TOO_LARGE);
        } else {
            LOG.debugf(failure, "Connection %s failed", socketId);
        }
    }

    /**
     * Every frame spends from the connection's budget. A refused one is dropped with {@code SLOW}/{@code RATE_LIMITED}
     * (echoing its {@code rid} when it has a readable one, so clients can fail the right request); a connection that
     * goes on regardless is closed with 1008.
     */
    private boolean admitted(Connection connection, String text) {
        switch (connection.rateLimit().admit()) {
            case ACCEPT:
                return true;
            case CLOSE:
                connection.sendAndClose(errors.frame(Why.RATE_LIMITED, null), ABUSE);
                return false;
            default:
                connection.send(errors.frame(Why.RATE_LIMITED, text == null ? null : codec.ridOf(text)));
                return false;
        }
    }

    private boolean tooLarge(String text) {
        int limit = config.maxMessageSize();
        // A UTF-8 character takes at most 3 bytes per UTF-16 unit, so most frames need no exact count.
        return text.length() * 3L > limit && text.getBytes(StandardCharsets.UTF_8).length > limit;
    }

    /**
     * Netty rejects a single frame over the ceiling; Vert.x rejects a fragmented message over it with a plain
     * {@link IllegalStateException} that only its text tells apart.
     */
    private static boolean overTransportCeiling(Throwable failure) {
        if (failure instanceof CorruptedWebSocketFrameException corrupted) {
            return corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG);
        }
        return failure instanceof IllegalStateException && failure.getMessage() != null
                && failure.getMessage().contains("max message size");
    }
}

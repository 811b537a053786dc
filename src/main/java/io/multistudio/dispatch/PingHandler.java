package io.multistudio.dispatch;

import jakarta.inject.Singleton;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.transport.Connection;
import io.smallrye.mutiny.Uni;

/** {@code PING}: answered with {@code PONG} and the server time, to measure round trips. */
@Singleton
class PingHandler implements RequestHandler {

    private final Codec codec;

    PingHandler(Codec codec) {
        this.codec = codec;
    }

    @Override
    public Request.RequestKind kind() {
        return Request.RequestKind.PING;
    }

    @Override
    public Uni<String> handle(Connection connection, Request request) {
        connection.send(codec.write(new ServerMessage.Pong(request.rid(), System.currentTimeMillis())));
        return Uni.createFrom().nullItem();
    }
}

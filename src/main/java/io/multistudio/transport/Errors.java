package io.multistudio.transport;

import jakarta.inject.Singleton;

import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Why;

/** The {@code ERROR} frames this node sends, each counted by its reason. */
@Singleton
public class Errors {

    private final Codec codec;
    private final ServerMetrics metrics;

    Errors(Codec codec, ServerMetrics metrics) {
        this.codec = codec;
        this.metrics = metrics;
    }

    public String frame(Why why, String rid) {
        metrics.error(why);
        return codec.write(ServerMessage.Error.of(why, rid));
    }

    public String frame(ProtocolException failure, String rid) {
        metrics.error(failure.why());
        return codec.write(ServerMessage.Error.of(failure, rid));
    }
}

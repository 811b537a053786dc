package io.multistudio.transport;

import java.util.concurrent.Executor;

import io.netty.buffer.ByteBuf;
import io.quarkus.websockets.next.CloseReason;

/** The socket under one connection's {@link Outbound}: where its batches of frames are written. */
interface Wire {

    /** The event loop that owns the socket; every method but this one runs on it only. */
    Executor loop();

    /**
     * Writes the first {@code count} buffers, each one TEXT frame already framed ({@link Outbound#frame}), then flushes
     * once. Takes over one reference to each buffer, whose indexes it leaves as they are (the same buffer may be
     * another connection's frame too), and reads the array during the call only (the caller reuses it).
     *
     * @param written runs once the whole batch has left the server, or failed to
     */
    void write(ByteBuf[] texts, int count, Runnable written);

    /** Closes with {@code reason} after what was written. */
    void close(CloseReason reason);

    /** Sends a WebSocket ping (the heartbeat's). */
    void ping();

    /** Drops the connection at once, without a close handshake: the peer no longer answers. */
    void abort();
}

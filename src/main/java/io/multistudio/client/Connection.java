package io.multistudio.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.multistudio.client.ConnectionException.Reason;

/**
 * One WebSocket connection on the JDK's client. Every callback is handed to the client's own thread, in order; after
 * {@link Handler#ended} nothing more is reported. Methods are called on the client's thread only. A connection on
 * which nothing arrives for the liveness limit is aborted, as if the network had failed ({@link Liveness}).
 */
final class Connection {

    /** The close code reported when the connection ended without a close frame (a drop, a failed handshake). */
    static final int NO_CLOSE_FRAME = 1006;

    /** What a connection reports, on the client's thread. */
    interface Handler {
        void opened(Connection connection);

        void text(Connection connection, String text);

        void ended(Connection connection, int code);
    }

    /** One HTTP client for all clients of the JVM: one selector thread, not one per client. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Executor loop;
    private final Handler handler;
    private final Liveness liveness;
    private WebSocket socket;
    private CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);
    private boolean ended;
    private Throwable failure;

    private Connection(Executor loop, Handler handler, Duration livenessLimit) {
        this.loop = loop;
        this.handler = handler;
        this.liveness = new Liveness(livenessLimit, System::nanoTime, loop, this::probe, () -> {
            if (!ended) {
                failure = new ConnectionException(Reason.LOST,
                        "nothing received for " + livenessLimit.toMillis() + " ms");
                abort();
            }
        });
    }

    static Connection open(URI endpoint, ClientOptions options, Executor loop, Handler handler) {
        Connection connection = new Connection(loop, handler, options.livenessLimit());
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(options.requestTimeout());
        options.headers().forEach(builder::header);
        builder.buildAsync(endpoint, connection.new Listener()).whenComplete((socket, failure) -> {
            if (failure != null) {
                loop.execute(() -> {
                    connection.failure = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
                    connection.end(NO_CLOSE_FRAME);
                });
            }
        });
        return connection;
    }

    /**
     * Sends one text frame after those sent before (the JDK's WebSocket takes one send at a time); completes once
     * it is sent. A failed send drops the connection.
     */
    CompletableFuture<Void> send(String text) {
        return enqueue(target -> target.sendText(text, true));
    }

    /** Sends one binary frame, in order with the text frames: the protocol has none, only a test sends one. */
    CompletableFuture<Void> sendBinary(byte[] bytes) {
        return enqueue(target -> target.sendBinary(ByteBuffer.wrap(bytes), true));
    }

    private CompletableFuture<Void> enqueue(Function<WebSocket, CompletableFuture<WebSocket>> frame) {
        WebSocket target = socket;
        sending = sending.thenCompose(done -> frame.apply(target)).<Void>thenApply(sent -> null).whenComplete((done, failure) -> {
            if (failure != null) {
                loop.execute(() -> abort());
            }
        });
        return sending;
    }

    /**
     * Why the connection could not be opened (a refused handshake, a refused TCP connection) or was given up (nothing
     * received for the liveness limit), or null.
     */
    Throwable failure() {
        return failure;
    }

    /**
     * Closes with {@code code}. Frames that arrive meanwhile are still reported, and {@link Handler#ended} with the
     * server's answering close frame; a connection still in its handshake is given up silently.
     */
    void close(int code) {
        if (socket != null) {
            WebSocket target = socket;
            sending.handle((done, failure) -> target.sendClose(code, ""));
        } else {
            ended = true;
        }
    }

    /** Drops the connection without a close frame, as a network failure would, and reports it ended. */
    void abort() {
        if (socket != null) {
            socket.abort();
        }
        end(NO_CLOSE_FRAME);
    }

    /**
     * A ping of the client's own, to a connection silent for half the liveness limit: the server's pong proves it
     * alive. Its outcome does not matter: a connection that cannot take it stays silent and is lost at the limit.
     */
    private void probe() {
        if (!ended) {
            socket.sendPing(ByteBuffer.allocate(0));
        }
    }

    private void end(int code) {
        if (!ended) {
            ended = true;
            liveness.stop();
            handler.ended(this, code);
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
            loop.execute(() -> {
                socket = webSocket;
                if (ended) {
                    webSocket.abort();
                } else {
                    liveness.start();
                    handler.opened(Connection.this);
                }
            });
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            liveness.heard();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                loop.execute(() -> {
                    if (!ended) {
                        handler.text(Connection.this, text);
                    }
                });
            }
            webSocket.request(1);
            return null;
        }

        /** Not in the protocol, but it arrived: the connection is alive. */
        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            return alive(webSocket);
        }

        /** The server's heartbeat; the JDK answers it with a pong itself. */
        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            return alive(webSocket);
        }

        /** The answer to the client's probe. */
        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            return alive(webSocket);
        }

        private CompletionStage<?> alive(WebSocket webSocket) {
            liveness.heard();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            loop.execute(() -> {
                end(statusCode);
                webSocket.abort();
            });
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            loop.execute(() -> end(NO_CLOSE_FRAME));
        }
    }
}

package io.multistudio.client;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.client.ConnectionException.Reason;
import io.multistudio.client.PendingRequests.Request;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * One client's session with the server, across connections: HELLO on each, reconnect with backoff after an
 * abnormal loss, resume with the token and {@code last_seq}, resend of the keyed requests in flight, and each room
 * event passed on once. Everything here runs on the client's own thread ({@code loop}); only the processors' streams
 * and the {@code volatile} fields are read from elsewhere.
 */
final class Session implements Connection.Handler {

    private static final int NORMAL_CLOSURE = 1000;
    private static final int TAKEN_OVER = 4000;
    /** The close code for a connection this client gives up on to reconnect: not 1000, so the session survives. */
    private static final int ABANDONED = 4100;
    /** HELLO errors that retrying cannot fix: the request itself or the credentials are wrong. */
    private static final Set<String> FATAL_HELLO = Set.of("BADR", "DENY");

    final BroadcastProcessor<ConnectionState> states = BroadcastProcessor.create();
    final BroadcastProcessor<Retry> retries = BroadcastProcessor.create();

    private final ClientOptions options;
    private final ScheduledExecutorService loop;
    private final MessageCodec codec;
    private final Backoff backoff;
    private final PendingRequests pending;
    final Inbound inbound;

    private volatile ConnectionState state = ConnectionState.CLOSED;
    /** The code the last connection ended with, null while the current one is open. */
    volatile Integer closeCode;
    private Connection connection;
    private String token;
    private int attempt;
    /** The index of the endpoint to connect to; each loss moves to the next, as a client of a cluster should. */
    private volatile int endpoint;
    private ScheduledFuture<?> retry;
    private boolean closing;
    /** Whether the current connection says HELLO once open; false for {@link #openWithoutHello}. */
    private boolean sayHello = true;
    private CompletableFuture<Void> opening = new CompletableFuture<>();
    private CompletableFuture<ServerMessage.Hello> connected = new CompletableFuture<>();
    private CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);

    Session(ClientOptions options, ScheduledExecutorService loop, MessageCodec codec, Backoff backoff) {
        this.options = options;
        this.loop = loop;
        this.codec = codec;
        this.backoff = backoff;
        this.pending = new PendingRequests(loop, options.autoKeys());
        this.inbound = new Inbound(codec, pending, this::established);
    }

    ConnectionState state() {
        return state;
    }

    URI endpoint() {
        return options.endpoints().get(endpoint);
    }

    /** Starts connecting unless already under way; completes with the first HELLO answer. */
    CompletableFuture<ServerMessage.Hello> connect() {
        return Futures.on(loop, result -> {
            start(true);
            Futures.relay(connected, result);
        });
    }

    /** Opens a connection that says no HELLO of its own; the session starts with the HELLO answer that follows. */
    CompletableFuture<Void> openWithoutHello() {
        return Futures.on(loop, result -> {
            start(false);
            Futures.relay(opening, result);
        });
    }

    private void start(boolean hello) {
        if (state == ConnectionState.CLOSED) {
            connected = new CompletableFuture<>();
            ended = new CompletableFuture<>();
            opening = new CompletableFuture<>();
            closing = false;
            inbound.reset();
            sayHello = hello;
            attempt = 0;
            closeCode = null;
            setState(ConnectionState.CONNECTING);
            open();
        }
    }

    /** Sends a frame as it is on the open connection: no rid, no key, nothing awaits an answer. */
    CompletableFuture<Void> sendFrame(Function<Connection, CompletableFuture<Void>> send) {
        return Futures.on(loop, result -> {
            if (connection == null || !opening.isDone()) {
                result.completeExceptionally(new ConnectionException(Reason.CLOSED, "no open connection"));
            } else {
                Futures.relay(send.apply(connection), result);
            }
        });
    }

    /** Sends a request now if a session is open, else once it is (re)established. */
    CompletableFuture<ServerMessage> request(String kind, ObjectNode message) {
        return Futures.on(loop, result -> {
            if (state == ConnectionState.CLOSED) {
                result.completeExceptionally(new ConnectionException(Reason.CLOSED, "cannot send " + kind
                        + ": the client is closed"));
                return;
            }
            Request request = pending.track(kind, message, options.requestTimeout());
            Futures.relay(request.answer, result);
            if (state == ConnectionState.OPEN) {
                transmit(request);
            }
        });
    }

    /** Ends the session with BYE if it is open, else by closing; completes when the client is closed. */
    CompletableFuture<Void> bye() {
        return Futures.on(loop, result -> {
            Futures.relay(ended, result);
            if (state == ConnectionState.CLOSED || closing) {
                return;
            }
            closing = true;
            if (state == ConnectionState.OPEN) {
                Request bye = pending.track("BYE", codec.request("BYE"), options.requestTimeout());
                transmit(bye);
                bye.answer.whenComplete((answer, failure) -> finish(null));
            } else {
                finish(null);
            }
        });
    }

    /** Closes the connection with {@code code}, without BYE, and reconnects no more; completes once it ended. */
    CompletableFuture<Void> disconnect(int code) {
        return Futures.on(loop, result -> {
            Futures.relay(ended, result);
            if (connection != null && !closing) {
                closing = true;
                Connection closed = connection;
                closed.close(code);
                // The server answers the close frame; if it does not, the client gives the connection up.
                loop.schedule(() -> ended(closed, Connection.NO_CLOSE_FRAME), options.requestTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            } else if (connection == null) {
                finish(null);
            }
        });
    }

    /** Drops the connection without a close frame, as a network failure would; the session then resumes. */
    void drop() {
        loop.execute(() -> {
            if (connection != null) {
                connection.abort();
            }
        });
    }

    @Override
    public void opened(Connection opened) {
        if (opened != connection) {
            return;
        }
        opening.complete(null);
        if (!sayHello) {
            return;
        }
        ObjectNode hello = codec.hello(options, token, token == null ? null : inbound.lastSeq());
        Request request = pending.track("HELLO", hello, options.requestTimeout());
        transmit(request);
        request.answer.whenComplete((answer, failure) -> {
            if (failure != null && opened == connection) {
                helloFailed(failure);
            }
        });
    }

    @Override
    public void text(Connection from, String text) {
        if (from == connection) {
            inbound.receive(text);
        }
    }

    @Override
    public void ended(Connection lost, int code) {
        if (lost == connection) {
            connection = null;
            closeCode = code;
            connectionLost(code, lost.failure());
        }
    }

    private void established(ServerMessage.Hello hello) {
        token = hello.reconnectToken();
        attempt = 0;
        if (!hello.reconnected()) {
            pending.fail(request -> request.everSent, Reason.SESSION_LOST, "the session was lost");
        }
        setState(ConnectionState.OPEN);
        // After a resume the server replays what was missed before it reads these: answers come after the replay.
        pending.all().stream().filter(request -> !request.sent).forEach(this::transmit);
        connected.complete(hello);
    }

    private void helloFailed(Throwable failure) {
        if (failure instanceof MultiStudioException refused && FATAL_HELLO.contains(refused.kind())) {
            finish(refused);
            return;
        }
        Connection given = connection;
        connection = null;
        given.close(ABANDONED);
        connectionLost(ABANDONED, null);
    }

    private void connectionLost(int code, Throwable failure) {
        pending.fail(request -> request.sent && !request.resendable(), Reason.LOST, "the connection was lost");
        pending.all().forEach(request -> request.sent = false);
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (closing || code == NORMAL_CLOSURE) {
            finish(null);
        } else if (code == TAKEN_OVER || inbound.takenOver()) {
            finish(new ConnectionException(Reason.CLOSED, "the session was taken over by another connection"));
        } else if (!options.autoReconnect()) {
            finish(new ConnectionException(Reason.LOST, "the connection ended with " + code, failure));
        } else {
            setState(token == null ? ConnectionState.CONNECTING : ConnectionState.RESUMING);
            sayHello = true;
            endpoint = (endpoint + 1) % options.endpoints().size();
            Duration delay = backoff.delay(attempt++);
            retries.onNext(new Retry(attempt, delay, code));
            retry = loop.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void open() {
        retry = null;
        connection = Connection.open(options.endpoints().get(endpoint), options, loop, this);
    }

    private void transmit(Request request) {
        request.sent = true;
        request.everSent = true;
        connection.send(codec.encode(request.message));
    }

    private void finish(RuntimeException failure) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (connection != null) {
            connection.close(NORMAL_CLOSURE);
            closeCode = NORMAL_CLOSURE;
            connection = null;
        }
        pending.fail(request -> true, Reason.CLOSED, "the client closed");
        token = null;
        inbound.reset();
        setState(ConnectionState.CLOSED);
        RuntimeException cause = failure != null ? failure
                : new ConnectionException(Reason.CLOSED, "the client closed before the session was established");
        connected.completeExceptionally(cause);
        opening.completeExceptionally(cause);
        ended.complete(null);
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            states.onNext(next);
        }
    }
}

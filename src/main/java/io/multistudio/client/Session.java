package io.multistudio.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
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
    /** One HTTP client for all sessions of the JVM: one selector thread, not one per client. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BroadcastProcessor<String> frames = BroadcastProcessor.create();
    final BroadcastProcessor<ServerMessage> messages = BroadcastProcessor.create();
    final BroadcastProcessor<ConnectionState> states = BroadcastProcessor.create();
    final BroadcastProcessor<Retry> retries = BroadcastProcessor.create();

    private final ClientOptions options;
    private final ScheduledExecutorService loop;
    private final MessageCodec codec;
    private final Backoff backoff;
    private final PendingRequests pending;
    private final SeqFilter seqs = new SeqFilter();

    private volatile ConnectionState state = ConnectionState.CLOSED;
    private volatile ServerMessage.User user;
    private Connection connection;
    private String token;
    private int attempt;
    /** The index of the endpoint to connect to; each loss moves to the next, as a client of a cluster should. */
    private int endpoint;
    private ScheduledFuture<?> retry;
    private boolean closing;
    private boolean takenOver;
    private CompletableFuture<ServerMessage.Hello> connected = new CompletableFuture<>();
    private CompletableFuture<Void> ended = CompletableFuture.completedFuture(null);

    Session(ClientOptions options, ScheduledExecutorService loop, MessageCodec codec, Backoff backoff) {
        this.options = options;
        this.loop = loop;
        this.codec = codec;
        this.backoff = backoff;
        this.pending = new PendingRequests(loop);
    }

    ConnectionState state() {
        return state;
    }

    ServerMessage.User user() {
        return user;
    }

    /** Starts connecting unless already under way; completes with the first HELLO answer. */
    CompletableFuture<ServerMessage.Hello> connect() {
        CompletableFuture<ServerMessage.Hello> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (state == ConnectionState.CLOSED) {
                connected = new CompletableFuture<>();
                ended = new CompletableFuture<>();
                closing = false;
                takenOver = false;
                attempt = 0;
                setState(ConnectionState.CONNECTING);
                open();
            }
            relay(connected, result);
        });
        return result;
    }

    /** Sends a request now if a session is open, else once it is (re)established. */
    CompletableFuture<ServerMessage> request(String kind, ObjectNode message) {
        CompletableFuture<ServerMessage> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (state == ConnectionState.CLOSED) {
                result.completeExceptionally(new ConnectionException(Reason.CLOSED, "cannot send " + kind
                        + ": the client is closed"));
                return;
            }
            Request request = pending.track(kind, message, options.requestTimeout());
            relay(request.answer, result);
            if (state == ConnectionState.OPEN) {
                transmit(request);
            }
        });
        return result;
    }

    /** Ends the session with BYE if it is open, else by closing; completes when the client is closed. */
    CompletableFuture<Void> bye() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> {
            relay(ended, result);
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
        return result;
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
        ObjectNode hello = codec.hello(options, token, token == null ? null : seqs.lastSeq());
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
        if (from != connection) {
            return;
        }
        frames.onNext(text);
        MessageCodec.Decoded decoded;
        try {
            decoded = codec.decode(text);
        } catch (JsonProcessingException notTheProtocol) {
            return;
        }
        Request request = pending.answered(decoded.rid());
        ServerMessage message = decoded.message();
        if (message instanceof ServerMessage.Error error) {
            takenOver |= "SESSION_TAKEN_OVER".equals(error.why());
            messages.onNext(message);
            if (request != null) {
                request.answer.completeExceptionally(error.toException());
            }
            return;
        }
        // A replayed event already delivered, or a remembered answer repeating one: it settles, it is not repeated.
        if (!(message instanceof RoomEvent event) || seqs.accept(event)) {
            apply(message, request);
            messages.onNext(message);
        }
        if (request != null) {
            request.answer.complete(message);
        }
    }

    @Override
    public void ended(Connection lost, int code) {
        if (lost == connection) {
            connection = null;
            connectionLost(code);
        }
    }

    private void apply(ServerMessage message, Request request) {
        if (message instanceof ServerMessage.Hello hello) {
            established(hello);
        } else if (message instanceof ServerMessage.JoinedRoom joined) {
            boolean history = request != null && request.message.path("history").asInt() > 0;
            seqs.joined(joined.room().id(), joined.seq(), joined.resumed(), history);
        } else if (message instanceof ServerMessage.LeftRoom) {
            seqs.left();
        } else if (message instanceof RoomEvent.UserUpdated updated && updated.user().id().equals(user.id())) {
            user = new ServerMessage.User(updated.user().id(), updated.user().name(), updated.user().data());
        }
    }

    private void established(ServerMessage.Hello hello) {
        token = hello.reconnectToken();
        user = hello.user();
        attempt = 0;
        if (!hello.reconnected()) {
            seqs.left();
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
        connectionLost(ABANDONED);
    }

    private void connectionLost(int code) {
        pending.fail(request -> request.sent && !request.resendable(), Reason.LOST, "the connection was lost");
        pending.all().forEach(request -> request.sent = false);
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (closing || code == NORMAL_CLOSURE) {
            finish(null);
        } else if (code == TAKEN_OVER || takenOver) {
            finish(new ConnectionException(Reason.CLOSED, "the session was taken over by another connection"));
        } else {
            setState(token == null ? ConnectionState.CONNECTING : ConnectionState.RESUMING);
            endpoint = (endpoint + 1) % options.endpoints().size();
            Duration delay = backoff.delay(attempt++);
            retries.onNext(new Retry(attempt, delay, code));
            retry = loop.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void open() {
        retry = null;
        connection = Connection.open(HTTP, options.endpoints().get(endpoint), options, loop, this);
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
            connection = null;
        }
        pending.fail(request -> true, Reason.CLOSED, "the client closed");
        token = null;
        seqs.left();
        setState(ConnectionState.CLOSED);
        connected.completeExceptionally(failure != null ? failure
                : new ConnectionException(Reason.CLOSED, "the client closed before the session was established"));
        ended.complete(null);
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            states.onNext(next);
        }
    }

    private static <T> void relay(CompletableFuture<? extends T> from, CompletableFuture<T> to) {
        from.whenComplete((value, failure) -> {
            if (failure != null) {
                to.completeExceptionally(failure);
            } else {
                to.complete(value);
            }
        });
    }
}

package io.multistudio.client;

import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.multistudio.client.PendingRequests.Request;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * What the server sends, on the client's thread: each frame passed on as received, then decoded, matched with the
 * request it answers, and passed on as a message, each room event of the current room once. It knows the user and
 * the {@code last_seq} to resume with.
 */
final class Inbound {

    final BroadcastProcessor<String> frames = BroadcastProcessor.create();
    final BroadcastProcessor<ServerMessage> messages = BroadcastProcessor.create();

    private final MessageCodec codec;
    private final PendingRequests pending;
    /** Told of each HELLO answer, also one to a HELLO the application sent itself. */
    private final Consumer<ServerMessage.Hello> established;
    private final SeqFilter seqs = new SeqFilter();
    private volatile ServerMessage.User user;
    private boolean takenOver;

    Inbound(MessageCodec codec, PendingRequests pending, Consumer<ServerMessage.Hello> established) {
        this.codec = codec;
        this.pending = pending;
        this.established = established;
    }

    ServerMessage.User user() {
        return user;
    }

    /** Whether the server said another connection took the session over. */
    boolean takenOver() {
        return takenOver;
    }

    Long lastSeq() {
        return seqs.lastSeq();
    }

    /** A new session, or none: no room, nothing delivered, not taken over. */
    void reset() {
        seqs.left();
        takenOver = false;
    }

    void receive(String text) {
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

    private void apply(ServerMessage message, Request request) {
        if (message instanceof ServerMessage.Hello hello) {
            user = hello.user();
            if (!hello.reconnected()) {
                seqs.left();
            }
            established.accept(hello);
        } else if (message instanceof ServerMessage.JoinedRoom joined) {
            boolean history = request != null && request.message.path("history").asInt() > 0;
            seqs.joined(joined.room().id(), joined.seq(), joined.resumed(), history);
        } else if (message instanceof ServerMessage.LeftRoom) {
            seqs.left();
        } else if (message instanceof RoomEvent.UserUpdated updated && updated.user().id().equals(user.id())) {
            user = new ServerMessage.User(updated.user().id(), updated.user().name(), updated.user().data());
        }
    }
}

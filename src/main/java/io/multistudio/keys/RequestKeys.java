package io.multistudio.keys;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Request.RequestKind;
import io.multistudio.session.SessionService;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Idempotent requests (PROTOCOL.md §2.7a): a request whose key the session already used is not executed again, its
 * remembered direct answer is sent instead. A session's keys are its {@link KeyBook}, on whichever node it resumes;
 * they live as long as the session and go when it ends, is replaced or expires (every node hears the expiry, the one
 * whose removal of the book wins removes the answers), so both maps are immortal. A session expiry that no node heard
 * (every node down at once) leaves its keys behind.
 *
 * <p>A keyed request that takes effect costs two writes: the reservation in the book before it executes, and its answer
 * in its slot after. One cannot do: the reservation must be in the store before the request takes effect, so that a
 * resend on another node (after a resume there) finds it and waits instead of executing too, and the first of two
 * executions racing for a key wins; the answer exists only once the request took effect, and must be in the store
 * before its node can die, so that a resend is answered and not executed again. A repeated key costs no write: the
 * book is read, then the slot.
 *
 * <p>An execution can be lost after its request took effect and before its answer is stored (its node died, or the
 * write failed and the requester lost the answer with its connection). So the effects of a keyed execution carry its
 * mark ({@link KeyBook#mark}), and a resend that finds the key reserved long ago and unanswered looks for them
 * ({@link Effect#recall}) before it takes the key over: a request that took effect is answered from its effect, never
 * executed again.
 */
@Startup
@Singleton
public class RequestKeys {

    private static final Logger LOG = Logger.getLogger(RequestKeys.class);
    /** Never carry a key. */
    private static final Set<RequestKind> UNKEYED = EnumSet.of(RequestKind.HELLO, RequestKind.BYE);
    /** Take no effect, so there is nothing to remember: a repeat is answered afresh. */
    private static final Set<RequestKind> READS = EnumSet.of(RequestKind.PING, RequestKind.LIST_ROOMS,
            RequestKind.HISTORY);
    private static final Duration FIRST_LOOK_AGAIN = Duration.ofMillis(20);
    private static final Duration LAST_LOOK_AGAIN = Duration.ofMillis(250);

    private final SharedMap<KeyBook> books;
    private final SharedMap<Remembered> answers;
    private final Codec codec;
    private final Duration reservation;

    @Inject
    RequestKeys(Engine engine, Codec codec, MultiStudioConfig config, SessionService sessions) {
        this(engine, codec, config.storeTimeout());
        sessions.onExpired(session -> forget(session.id()).subscribe().with(ignored -> {
        }, failure -> LOG.warnf("Could not forget the keys of an expired session: %s", failure.getMessage())));
    }

    RequestKeys(Engine engine, Codec codec, Duration storeTimeout) {
        this.codec = codec;
        // A request makes a few store calls, each failing after the store timeout: a key reserved longer ago than
        // that, and still unanswered, belongs to a request whose node died, and is taken over by a resend.
        this.reservation = storeTimeout.multipliedBy(4);
        // Not the former "keys" map, whose values nodes of the previous version still write during a rolling update.
        this.books = engine.map("key-books", KeyBook.class, book -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        this.answers = engine.map("key-answers", Remembered.class, answer -> Engine.IMMORTAL,
                Engine.Expiry.SILENT);
    }

    /**
     * Executes {@code request} unless its key was seen in this session.
     *
     * @param carried whether the requesting connection still carries the session (checked once the request executed)
     * @param effect executes the request, or finds whether a lost execution of it took effect
     * @param send sends a remembered answer to the requester
     */
    public Uni<Void> once(String sessionId, Request request, BooleanSupplier carried, Effect effect,
            Consumer<String> send) {
        String key = UNKEYED.contains(request.kind()) ? null : request.key();
        if (key == null || READS.contains(request.kind())) {
            return effect.execute(null).replaceWithVoid();
        }
        Keyed keyed = new Keyed(sessionId, key, request.rid(), carried, effect, send);
        return Uni.createFrom().deferred(() -> attempt(keyed))
                .onFailure(StillPending.class).retry()
                .withBackOff(FIRST_LOOK_AGAIN, LAST_LOOK_AGAIN).expireIn(reservation.plusSeconds(1).toMillis())
                // Mutiny reports the expired retries as its own failure, with the last StillPending as its cause.
                .onFailure(failure -> failure instanceof StillPending || failure.getCause() instanceof StillPending)
                .transform(pending -> new StoreUnavailableException(
                        "A request with the same key is still executing", pending));
    }

    /** Forgets every key of the session: it ended, was replaced by a fresh one, or expired. */
    public Uni<Void> forget(String sessionId) {
        return books.update(sessionId, book -> null).flatMap(change -> dropAnswers(sessionId, change.before()));
    }

    /** Reserves the key and executes, or answers from its slot; fails while another execution of it is pending. */
    private Uni<Void> attempt(Keyed keyed) {
        long now = System.currentTimeMillis();
        return books.update(keyed.sessionId(), book -> {
            KeyBook current = book == null ? KeyBook.open(now) : book;
            return current.find(keyed.key()) == null ? current.reserve(keyed.key(), now) : book;
        }).flatMap(change -> {
            KeyBook book = change.after();
            KeyBook.Key held = book.find(keyed.key());
            return change.changed() ? execute(keyed, book, held) : answerOrWait(keyed, book, held, now);
        });
    }

    private Uni<Void> answerOrWait(Keyed keyed, KeyBook book, KeyBook.Key held, long now) {
        return answers.get(slotKey(keyed.sessionId(), book.id(), KeyBook.slot(held.ordinal()))).flatMap(found -> {
            if (found != null && found.answers(held)) {
                keyed.send().accept(codec.withRid(found.answer(), keyed.rid()));
                return Uni.createFrom().voidItem();
            }
            if (now - held.at() < reservation.toMillis()) {
                return Uni.createFrom().failure(new StillPending());
            }
            return recall(keyed, book, held, now);
        });
    }

    /**
     * The execution that reserved {@code held} was lost: if it took effect, its effect answers; else this request
     * takes the key over. Its effects are no older than the reservation on its node's clock; the events other nodes
     * committed after them in the same room may be stamped earlier by their clocks, by far less than a reservation.
     */
    private Uni<Void> recall(Keyed keyed, KeyBook book, KeyBook.Key held, long now) {
        return keyed.effect().recall(book.mark(held), held.at() - reservation.toMillis()).flatMap(answer -> {
            if (answer == null) {
                return takeOver(keyed, book, held, now);
            }
            keyed.send().accept(codec.withRid(answer, keyed.rid()));
            return remember(keyed, book.id(), held, answer);
        });
    }

    /** The execution that reserved {@code held} was lost without effect: this request executes instead, if first. */
    private Uni<Void> takeOver(Keyed keyed, KeyBook book, KeyBook.Key held, long now) {
        return books.update(keyed.sessionId(), current -> current != null && current.id().equals(book.id())
                && current.holds(held) ? current.renewed(held, now) : current)
                .flatMap(change -> change.changed() ? execute(keyed, change.after(), change.after().find(keyed.key()))
                        : Uni.createFrom().failure(new StillPending()));
    }

    private Uni<Void> execute(Keyed keyed, KeyBook book, KeyBook.Key held) {
        return Uni.createFrom().deferred(() -> keyed.effect().execute(book.mark(held)))
                .onFailure().call(() -> release(keyed.sessionId(), book.id(), held).onFailure().recoverWithNull())
                .call(answer -> answer == null
                        ? release(keyed.sessionId(), book.id(), held).onFailure().recoverWithNull()
                        : remember(keyed, book.id(), held, answer))
                .replaceWithVoid();
    }

    /**
     * The request did not take effect: its key may execute again. A book left without keys remembers nothing, so it
     * goes with whatever answers its displaced keys left, rather than outlive a session that may be gone.
     */
    private Uni<Void> release(String sessionId, String bookId, KeyBook.Key held) {
        return books.update(sessionId, book -> {
            if (book == null || !book.id().equals(bookId) || !book.holds(held)) {
                return book;
            }
            KeyBook rest = book.without(held);
            return rest.empty() ? null : rest;
        }).flatMap(change -> change.after() == null ? dropAnswers(sessionId, change.before())
                : Uni.createFrom().voidItem());
    }

    /**
     * The requester already has its answer, so a store failure here only costs a resend the cheap way: the reservation
     * goes stale, and a resend looks for the request's effect.
     */
    private Uni<Void> remember(Keyed keyed, String bookId, KeyBook.Key held, String answer) {
        String slot = slotKey(keyed.sessionId(), bookId, KeyBook.slot(held.ordinal()));
        return answers.put(slot, new Remembered(held.ordinal(), answer))
                .call(() -> keyed.carried().getAsBoolean() ? Uni.createFrom().voidItem()
                        : dropIfForgotten(keyed.sessionId(), bookId, slot))
                .onFailure().invoke(failure -> LOG.warnf("Could not remember the answer of a keyed request: %s",
                        failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** The connection gave its session up meanwhile: if the session's keys are forgotten, this late answer goes too. */
    private Uni<Void> dropIfForgotten(String sessionId, String bookId, String slot) {
        return books.get(sessionId).flatMap(book -> book != null && book.id().equals(bookId)
                ? Uni.createFrom().voidItem()
                : answers.remove(slot));
    }

    private Uni<Void> dropAnswers(String sessionId, KeyBook book) {
        if (book == null || book.slotsUsed() == 0) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> removals = IntStream.range(0, book.slotsUsed())
                .mapToObj(slot -> answers.remove(slotKey(sessionId, book.id(), slot))).toList();
        return Uni.join().all(removals).andCollectFailures().replaceWithVoid();
    }

    private static String slotKey(String sessionId, String bookId, int slot) {
        return sessionId + "/" + bookId + "/" + slot;
    }

    /** One keyed request on its way. */
    private record Keyed(String sessionId, String key, String rid, BooleanSupplier carried, Effect effect,
            Consumer<String> send) {
    }

    /** Another execution holds the key; looked at again until it answers or gives the key up. */
    private static final class StillPending extends RuntimeException {
        StillPending() {
            super("key pending", null, false, false);
        }
    }
}

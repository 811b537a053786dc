package io.multistudio.keys;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Request.RequestKind;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * Idempotent requests (PROTOCOL.md §2.7a): a request whose key the session already used is not executed again, its
 * remembered direct answer is sent instead. The key is reserved with one atomic write before the request executes,
 * so a resend that arrives meanwhile (on another connection, on another node) finds the reservation and waits for the
 * answer rather than executing too. An error releases the key: the request did not take effect.
 */
@Startup
@ApplicationScoped
public class RequestKeys {

    private static final Logger LOG = Logger.getLogger(RequestKeys.class);
    /** Never carry a key. */
    private static final Set<RequestKind> UNKEYED = EnumSet.of(RequestKind.HELLO, RequestKind.BYE);
    /** Take no effect, so there is nothing to remember: a repeat is answered afresh. */
    private static final Set<RequestKind> READS = EnumSet.of(RequestKind.PING, RequestKind.LIST_ROOMS,
            RequestKind.HISTORY);
    private static final Duration FIRST_LOOK_AGAIN = Duration.ofMillis(20);
    private static final Duration LAST_LOOK_AGAIN = Duration.ofMillis(250);

    private final SharedMap<Remembered> keys;
    private final Codec codec;
    private final Duration reservation;

    @Inject
    RequestKeys(Engine engine, Codec codec, MultiStudioConfig config) {
        this(engine, codec, config.storeTimeout(), config.reconnectGrace());
    }

    RequestKeys(Engine engine, Codec codec, Duration storeTimeout, Duration reconnectGrace) {
        this.codec = codec;
        // A request makes a few store calls, each failing after the store timeout: a reservation older than that
        // belongs to a request whose node died, and must not block the key for good.
        this.reservation = storeTimeout.multipliedBy(4);
        // An answer must outlive the time it takes to notice a lost connection plus the grace to resume after it.
        Duration answered = reconnectGrace.multipliedBy(2);
        this.keys = engine.map("keys", Remembered.class, remembered -> remembered.pending() ? reservation : answered);
    }

    /**
     * Executes {@code request} unless its key was seen in this session.
     *
     * @param ring the keys the requesting connection remembered, to bound them
     * @param execute executes the request, sending its direct answer; yields that answer without {@code rid}, or
     *        {@code null} if there is none to remember
     * @param send sends a remembered answer to the requester
     */
    public Uni<Void> once(String sessionId, Request request, KeyRing ring, Supplier<Uni<String>> execute,
            Consumer<String> send) {
        String key = UNKEYED.contains(request.kind()) ? null : request.key();
        if (key == null || READS.contains(request.kind())) {
            return execute.get().replaceWithVoid();
        }
        String entry = sessionId + "/" + key;
        return Uni.createFrom().deferred(() -> attempt(entry, request.rid(), ring, execute, send))
                .onFailure(StillPending.class).retry()
                .withBackOff(FIRST_LOOK_AGAIN, LAST_LOOK_AGAIN).expireIn(reservation.plusSeconds(1).toMillis())
                // Mutiny reports the expired retries as its own failure, with the last StillPending as its cause.
                .onFailure(failure -> failure instanceof StillPending || failure.getCause() instanceof StillPending)
                .transform(pending -> new StoreUnavailableException(
                        "A request with the same key is still executing", pending));
    }

    /** Reserves the key and executes, or answers from what the key holds; fails while another execution is pending. */
    private Uni<Void> attempt(String entry, String rid, KeyRing ring, Supplier<Uni<String>> execute,
            Consumer<String> send) {
        return keys.putIfAbsent(entry, new Remembered(null, System.currentTimeMillis())).flatMap(reserved -> {
            if (reserved) {
                return execute(entry, ring, execute);
            }
            return keys.get(entry).map(found -> {
                // Absent: the first execution failed and released the key, so this one may take it.
                if (found == null || found.pending()) {
                    throw new StillPending();
                }
                send.accept(codec.withRid(found.answer(), rid));
                return null;
            });
        });
    }

    private Uni<Void> execute(String entry, KeyRing ring, Supplier<Uni<String>> execute) {
        return Uni.createFrom().deferred(execute::get)
                .onFailure().call(() -> keys.remove(entry).onFailure().recoverWithNull())
                .call(answer -> answer == null ? keys.remove(entry).onFailure().recoverWithNull()
                        : remember(entry, answer, ring))
                .replaceWithVoid();
    }

    /**
     * The requester already has its answer, so a store failure here only costs the key's protection: the reservation
     * expires and a resend would execute again.
     */
    private Uni<Void> remember(String entry, String answer, KeyRing ring) {
        return keys.put(entry, new Remembered(answer, System.currentTimeMillis()))
                .invoke(() -> forget(ring.add(entry)))
                .onFailure().invoke(failure -> LOG.warnf("Could not remember the answer of a keyed request: %s",
                        failure.getMessage()))
                .onFailure().recoverWithNull();
    }

    private void forget(String displaced) {
        if (displaced != null) {
            keys.remove(displaced).subscribe().with(ignored -> {
            }, failure -> LOG.debugf("Could not forget a displaced key: %s", failure.getMessage()));
        }
    }

    /** Another execution holds the key; looked at again until it answers or gives the key up. */
    private static final class StillPending extends RuntimeException {
        StillPending() {
            super("key pending", null, false, false);
        }
    }
}

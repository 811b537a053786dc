package io.multistudio.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The requests awaiting their direct answer, by {@code rid}, oldest first. Each settles exactly once: with its
 * answer, its error, its timeout, or the end of the client. Used on the client's thread only.
 */
final class PendingRequests {

    /** HELLO and BYE belong to one connection and carry no key: they are never resent. */
    private static final List<String> UNKEYED = List.of("HELLO", "BYE");

    /** A request: {@code message} carries its rid and key, and is sent as is each time. */
    static final class Request {
        final String rid;
        final String kind;
        final ObjectNode message;
        final CompletableFuture<ServerMessage> answer = new CompletableFuture<>();
        /** Sent on the current connection. */
        boolean sent;
        /** Sent on some connection of the session: it may have taken effect. */
        boolean everSent;
        ScheduledFuture<?> timer;

        Request(String rid, String kind, ObjectNode message) {
            this.rid = rid;
            this.kind = kind;
            this.message = message;
        }

        boolean resendable() {
            return message.has("key");
        }
    }

    private final ScheduledExecutorService loop;
    /** Null when the client adds no keys of its own. */
    private final RequestKeys keys;
    private final Map<String, Request> byRid = new LinkedHashMap<>();
    private long nextRid;

    PendingRequests(ScheduledExecutorService loop, boolean autoKeys) {
        this.loop = loop;
        this.keys = autoKeys ? new RequestKeys() : null;
    }

    /**
     * Tracks {@code message} (a request of {@code kind}): gives it a rid, a key unless it has one or keys are off,
     * and a deadline.
     */
    Request track(String kind, ObjectNode message, Duration timeout) {
        String rid = Long.toString(++nextRid);
        message.put("rid", rid);
        if (keys != null && !UNKEYED.contains(kind) && !message.has("key")) {
            message.put("key", keys.next());
        }
        Request request = new Request(rid, kind, message);
        byRid.put(rid, request);
        request.timer = loop.schedule(() -> {
            if (byRid.remove(rid) != null) {
                request.answer.completeExceptionally(new ConnectionException(ConnectionException.Reason.TIMEOUT,
                        "no answer to " + kind + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return request;
    }

    /** The request {@code rid} answers, no longer pending; null if none (another client's or a settled one). */
    Request answered(String rid) {
        Request request = rid == null ? null : byRid.remove(rid);
        if (request != null) {
            request.timer.cancel(false);
        }
        return request;
    }

    /** The pending requests, oldest first; {@code sent} tells which went out on the current connection. */
    List<Request> all() {
        return new ArrayList<>(byRid.values());
    }

    /** Fails the requests that {@code which} selects: {@code why} happened before their answer. */
    void fail(Predicate<Request> which, ConnectionException.Reason reason, String why) {
        for (Request request : all()) {
            if (which.test(request)) {
                answered(request.rid);
                request.answer.completeExceptionally(new ConnectionException(reason,
                        why + " before the answer to " + request.kind));
            }
        }
    }
}

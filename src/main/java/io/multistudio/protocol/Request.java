package io.multistudio.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client message whose envelope is valid: a known {@code kind}, an acceptable {@code rid}, and its fields.
 *
 * @param mark what the effects of this execution of a keyed request carry, so that a resend can find them
 *        (PROTOCOL.md §2.7a); {@code null} for a request without a key
 */
public record Request(RequestKind kind, String rid, ObjectNode body, String mark) {

    public Request(RequestKind kind, String rid, ObjectNode body) {
        this(kind, rid, body, null);
    }

    /** This request, its effects carrying {@code mark}. */
    public Request marked(String mark) {
        return new Request(kind, rid, body, mark);
    }

    static final int MAX_RID_LENGTH = 128;
    static final int MAX_KEY_LENGTH = 64;

    /**
     * Checks the envelope. The {@code rid} is checked first so that every later error can echo it; an invalid one is
     * answered without a {@code rid}.
     */
    static Request of(ObjectNode body) {
        String rid = rid(body.get("rid"));
        JsonNode kind = body.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw new RequestException(Why.KIND_MISSING, rid);
        }
        RequestKind known = RequestKind.find(kind.textValue())
                .orElseThrow(() -> new RequestException(Why.KIND_UNKNOWN, rid));
        return new Request(known, rid, body);
    }

    private static String rid(JsonNode rid) {
        if (rid == null) {
            return null;
        }
        if (!rid.isTextual() || rid.textValue().length() > MAX_RID_LENGTH) {
            throw new ProtocolException(Why.RID_INVALID);
        }
        return rid.textValue();
    }

    /**
     * The client's idempotency key (PROTOCOL.md §2.7a), {@code null} if it sent none; one that is not a string of
     * 1–64 characters is {@code BADR}/{@code FIELD_INVALID}.
     */
    public String key() {
        return fields().text("key").map(key -> {
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw ProtocolException.invalidField("key", "key must be a string of 1 to " + MAX_KEY_LENGTH
                        + " characters");
            }
            return key;
        }).orElse(null);
    }

    /** Reads the request's optional fields, failing with the protocol's answer for a wrong one. */
    public Fields fields() {
        return new Fields(body);
    }

    /** The kinds a client may send. */
    public enum RequestKind {
        HELLO,
        PING,
        BYE,
        CREATE_ROOM,
        JOIN_ROOM,
        LEAVE_ROOM,
        LIST_ROOMS,
        UPDATE_ROOM,
        KICK,
        SEND,
        SET_USER_DATA,
        SET_ROOM_DATA,
        HISTORY;

        /** Looked up by name: {@code values()} copies the array at every call, which was once per request. */
        private static final Map<String, RequestKind> BY_NAME = Arrays.stream(values())
                .collect(Collectors.toUnmodifiableMap(RequestKind::name, Function.identity()));

        static Optional<RequestKind> find(String kind) {
            return Optional.ofNullable(BY_NAME.get(kind));
        }
    }
}

package io.multistudio.session;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Why;

/**
 * A validated client {@code HELLO}.
 *
 * @param reconnectToken the presented token, {@code null} when none or when it cannot be one (such a token is not an
 *        error: the client gets a fresh session)
 * @param lastSeq the last room event the client processed, {@code null} if not given
 * @param auth what the client presented as its JWT, {@code null} if nothing; only checked when authentication is on
 * @param profileInvalid what is wrong with {@code name} or {@code data}, {@code null} if nothing: it refuses a fresh
 *        session, while a resume ignores name and data altogether
 */
public record HelloRequest(String name, ObjectNode data, String reconnectToken, Long lastSeq, JsonNode auth,
        ProtocolException profileInvalid) {

    public static final int MAX_NAME_CODE_POINTS = 64;
    public static final int MAX_USER_DATA_BYTES = 4096;

    public static HelloRequest from(Request request, Codec codec) {
        var fields = request.fields();
        String token = fields.raw("reconnect_token").filter(JsonNode::isTextual).map(JsonNode::textValue)
                .filter(text -> text.length() <= Tokens.MAX_LENGTH).orElse(null);
        Long lastSeq = fields.integer("last_seq", 0, Long.MAX_VALUE).orElse(null);
        JsonNode auth = fields.raw("auth").orElse(null);
        try {
            String name = fields.raw("name").map(HelloRequest::validName).orElse(null);
            ObjectNode data = fields.object("data", Why.DATA_INVALID).orElse(null);
            if (data != null) {
                checkUserDataSize(data, codec);
            }
            return new HelloRequest(name, data, token, lastSeq, auth, null);
        } catch (ProtocolException invalid) {
            return new HelloRequest(null, null, token, lastSeq, auth, invalid);
        }
    }

    /** The name to store: the one given, else {@code fallback} (from the identity), else a fresh guest name. */
    String nameOr(String fallback) {
        return Optional.ofNullable(name).or(() -> Optional.ofNullable(fallback)).orElseGet(Ids::guestName);
    }

    ObjectNode dataOrEmpty() {
        return data == null ? Codec.EMPTY_OBJECT : data;
    }

    /** User data, from {@code HELLO} or after a patch, may take at most 4 KiB serialized. */
    public static void checkUserDataSize(ObjectNode data, Codec codec) {
        if (codec.serializedSize(data) > MAX_USER_DATA_BYTES) {
            throw new ProtocolException(Why.DATA_TOO_LARGE, "data",
                    "user data may take at most " + MAX_USER_DATA_BYTES + " bytes");
        }
    }

    private static String validName(JsonNode value) {
        if (!value.isTextual()) {
            throw new ProtocolException(Why.NAME_INVALID, "name", "name must be a string");
        }
        String trimmed = value.textValue().strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length < 1 || length > MAX_NAME_CODE_POINTS) {
            throw new ProtocolException(Why.NAME_INVALID, "name",
                    "name must have 1 to " + MAX_NAME_CODE_POINTS + " characters after trimming");
        }
        if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
            throw new ProtocolException(Why.NAME_INVALID, "name", "name may not contain control characters");
        }
        return trimmed;
    }
}

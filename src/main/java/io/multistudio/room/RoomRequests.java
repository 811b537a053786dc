package io.multistudio.room;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.Fields;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Why;

/** The room requests of PROTOCOL.md §2.4–2.5, validated field by field. */
public final class RoomRequests {

    static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_ROOM_NAME = 64;
    static final int MAX_PASSWORD = 128;
    static final int DEFAULT_CAPACITY = 16;
    static final int DEFAULT_LIST_LIMIT = 50;
    static final int MAX_LIST_LIMIT = 200;

    private RoomRequests() {
    }

    /** {@code room} is generated when the request names none, so that the authorization hook can be told it. */
    public record Create(String room, String name, Integer capacity, String password, boolean listed,
            ObjectNode data) {
    }

    /** @param history how many past events to send right after {@code JOINED_ROOM} (§2.7b) */
    public record Join(String room, String password, int history) {

        /** A join that asks for no history. */
        public Join(String room, String password) {
            this(room, password, 0);
        }
    }

    /** {@code HISTORY}: events with a seq below {@code before} ({@code null}: all), at most {@code limit}. */
    public record History(Long before, int limit) {
    }

    /** Only the fields present change; {@code clearPassword} is an explicit {@code "password": null}. */
    public record Update(String name, Integer capacity, String password, boolean clearPassword, Boolean listed) {
    }

    public record Send(JsonNode data, String to) {
    }

    public static Create create(Request request, int maxCapacity) {
        Fields fields = request.fields();
        String room = fields.raw("room").map(RoomRequests::roomId)
                .orElseGet(() -> "r_" + UUID.randomUUID().toString().replace("-", ""));
        return new Create(room, fields.text("name").map(RoomRequests::roomName).orElse(null),
                capacity(fields, maxCapacity).orElse(null), password(fields).orElse(null),
                fields.bool("listed").orElse(true), fields.object("data", Why.DATA_INVALID).orElse(null));
    }

    public static Join join(Request request) {
        Fields fields = request.fields();
        String room = fields.raw("room").map(RoomRequests::roomId)
                .orElseThrow(() -> ProtocolException.invalidField("room", "room is required"));
        return new Join(room, fields.text("password").orElse(null),
                fields.integer("history", 0, RoomHistory.MAX_LIMIT).orElse(0L).intValue());
    }

    public static History history(Request request) {
        Fields fields = request.fields();
        return new History(fields.integer("before", 0, Long.MAX_VALUE).orElse(null),
                fields.integer("limit", 1, RoomHistory.MAX_LIMIT).orElse((long) RoomHistory.DEFAULT_LIMIT).intValue());
    }

    public static Update update(Request request, int maxCapacity) {
        Fields fields = request.fields();
        boolean clearPassword = request.body().has("password") && request.body().get("password").isNull();
        return new Update(fields.text("name").map(RoomRequests::roomName).orElse(null),
                capacity(fields, maxCapacity).orElse(null), password(fields).orElse(null), clearPassword,
                fields.bool("listed").orElse(null));
    }

    public static int listLimit(Request request) {
        return request.fields().integer("limit", 1, MAX_LIST_LIMIT).map(Long::intValue).orElse(DEFAULT_LIST_LIMIT);
    }

    public static String kickTarget(Request request) {
        return request.fields().text("user")
                .orElseThrow(() -> ProtocolException.invalidField("user", "user is required"));
    }

    public static Send send(Request request) {
        Fields fields = request.fields();
        JsonNode data = request.body().get("data");
        if (data == null) {
            throw ProtocolException.invalidField("data", "data is required");
        }
        return new Send(data, fields.text("to").orElse(null));
    }

    /** The merge patch of {@code SET_USER_DATA} and {@code SET_ROOM_DATA}. */
    public static ObjectNode patch(Request request) {
        return request.fields().object("data", Why.DATA_INVALID)
                .orElseThrow(() -> new ProtocolException(Why.DATA_INVALID, "data", "data is required"));
    }

    private static String roomId(JsonNode value) {
        if (!value.isTextual() || !ROOM_ID.matcher(value.textValue()).matches()) {
            throw new ProtocolException(Why.ROOM_ID_INVALID, "room", "room must match [A-Za-z0-9_-]{1,64}");
        }
        return value.textValue();
    }

    private static String roomName(String name) {
        int length = name.codePointCount(0, name.length());
        if (length > MAX_ROOM_NAME) {
            throw ProtocolException.invalidField("name", "name may have at most " + MAX_ROOM_NAME + " characters");
        }
        return name;
    }

    private static Optional<Integer> capacity(Fields fields, int maxCapacity) {
        return fields.raw("capacity").map(value -> {
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                    || value.intValue() > maxCapacity) {
                throw ProtocolException.invalidField("capacity", "capacity must be an integer from 1 to " + maxCapacity);
            }
            return value.intValue();
        });
    }

    private static Optional<String> password(Fields fields) {
        return fields.text("password").map(password -> {
            if (password.length() > MAX_PASSWORD) {
                throw ProtocolException.invalidField("password",
                        "password may have at most " + MAX_PASSWORD + " characters");
            }
            return password;
        });
    }
}

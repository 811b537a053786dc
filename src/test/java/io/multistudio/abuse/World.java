package io.multistudio.abuse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.Request.RequestKind;
import io.multistudio.testsupport.Wire;

/**
 * The fuzz test's model of the server: a few clients ("actors") with their sessions, the rooms they made, and the
 * room events each actor must receive next. {@link #expect} is the oracle: from the frame text and the sender's state
 * alone it derives the answer PROTOCOL.md prescribes.
 */
final class World {

    static final int MAX_FRAME_BYTES = 65536;
    static final int MAX_ROOM_CAPACITY = 1000;
    static final int USER_DATA_LIMIT = 4096;
    static final int ROOM_DATA_LIMIT = 65536;
    /** Jackson's default StreamReadConstraints, which the server's codec keeps. */
    static final int PARSER_MAX_DEPTH = 256;
    static final int PARSER_MAX_NUMBER_LENGTH = 1000;
    static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** The request kinds, from the protocol's own list. */
    static final Set<String> KINDS = Arrays.stream(RequestKind.values()).map(Enum::name)
            .collect(Collectors.toUnmodifiableSet());

    /** One client of the test with its session as the model knows it. */
    static final class Actor {
        final int index;
        Wire ws;
        boolean hello;
        String userId;
        String name;
        JsonNode data;
        String token;
        String room;
        long lastSeq;
        final Deque<Event> expected = new ArrayDeque<>();

        Actor(int index, Wire ws) {
            this.index = index;
            this.ws = ws;
        }

        void fresh(Wire connection) {
            ws = connection;
            hello = false;
            userId = null;
            name = null;
            data = null;
            token = null;
            room = null;
            lastSeq = 0;
            expected.clear();
        }

        @Override
        public String toString() {
            return "actor " + index + (hello ? " (" + userId + (room == null ? ", no room" : ", in " + room) + ")"
                    : " (before HELLO)");
        }
    }

    /** A room event an actor must receive, checked when it arrives. */
    record Event(String description, Function<JsonNode, String> check) {
    }

    static final class RoomModel {
        String id;
        String name;
        String owner;
        int capacity;
        boolean listed;
        String password;
        JsonNode data;
        long createdAt;
        final List<String> members = new ArrayList<>();
    }

    final List<Actor> actors = new ArrayList<>();
    final Map<String, RoomModel> rooms = new LinkedHashMap<>();
    /** Rooms left behind by a reset after a violation: they may still exist, in a state the model no longer knows. */
    final Set<String> foreignRooms = new HashSet<>();
    /** Set after a reset: a room made by the request that failed is unknown to the model. */
    boolean tainted;

    Actor byUser(String userId) {
        return actors.stream().filter(actor -> userId.equals(actor.userId)).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------------------------------------- the oracle

    /** The expected direct answer to {@code text} sent by {@code actor} as a text frame of at most 64 KiB. */
    Expect expect(Actor actor, String text) {
        JsonNode tree = Json.parse(text);
        if (tree == null) {
            Expect expect = new Expect("malformed JSON").error("MALFORMED_JSON");
            expect.rid = null;
            return expect;
        }
        Expect expect = semantic(actor, tree);
        if (Json.depth(tree) > PARSER_MAX_DEPTH || Json.longestNumber(tree) > PARSER_MAX_NUMBER_LENGTH) {
            // Valid JSON that the server's parser refuses: an undocumented limit, reported, not failed.
            expect.limits.add("MALFORMED_JSON");
            expect.inputClass = "valid JSON beyond parser limits (depth > 256 or number > 1000 digits)";
        }
        return expect;
    }

    private Expect semantic(Actor actor, JsonNode tree) {
        if (!tree.isObject()) {
            return new Expect("valid JSON, not an object").error("NOT_AN_OBJECT");
        }
        ObjectNode body = (ObjectNode) tree;
        JsonNode ridNode = body.get("rid");
        JsonNode kindNode = body.get("kind");
        String kind = kindNode != null && kindNode.isTextual() ? kindNode.textValue() : null;
        boolean kindOk = kind != null && KINDS.contains(kind);
        String kindError = kind == null ? "KIND_MISSING" : kindOk ? null : "KIND_UNKNOWN";

        boolean ridInvalid = false;
        boolean ridAmbiguous = false;
        String rid = null;
        if (ridNode != null) {
            if (!ridNode.isTextual()) {
                ridInvalid = true;
            } else {
                String value = ridNode.textValue();
                int units = value.length();
                int points = value.codePointCount(0, units);
                if (points > 128) {
                    ridInvalid = true;
                } else {
                    rid = value;
                    ridAmbiguous = units > 128;
                }
            }
        }
        if (ridInvalid) {
            Expect expect = new Expect("rid invalid (not a string, or over 128 characters)").error("RID_INVALID");
            if (kindError != null) {
                // Which envelope error wins is not specified; without a valid rid neither can echo one.
                expect.tolerate(kindError);
            }
            return expect;
        }
        Expect expect;
        if (kindError != null) {
            expect = new Expect(kind == null ? "kind missing or not a string" : "unknown kind").error(kindError);
        } else if (!actor.hello && !"HELLO".equals(kind)) {
            expect = new Expect("request before HELLO: " + kind).error("HELLO_REQUIRED");
        } else {
            expect = request(actor, kind, body, rid);
        }
        expect.rid = rid;
        if (ridAmbiguous) {
            // "at most 128 characters": counted in code points this rid is fine, in UTF-16 units it is too long.
            expect.tolerate("RID_INVALID");
        }
        return expect;
    }

    private Expect request(Actor actor, String kind, ObjectNode body, String rid) {
        Fields f = new Fields(body);
        switch (kind) {
            case "HELLO":
                return actor.hello ? new Expect("second HELLO").error("HELLO_ALREADY_DONE") : hello(actor, f, rid);
            case "PING": {
                Expect expect = new Expect("PING");
                expect.successKind = "PONG";
                expect.onSuccess = answer -> Math.abs(answer.path("ts").asLong() - System.currentTimeMillis()) < 60_000
                        && answer.path("ts").isIntegralNumber() ? null : "PONG without a current ts";
                return expect;
            }
            case "BYE": {
                Expect expect = new Expect("BYE");
                expect.successKind = "BYE";
                expect.closeAfterSuccess = 1000;
                expect.onSuccess = answer -> {
                    leaveRoomOf(actor, "left");
                    return null;
                };
                return expect;
            }
            case "CREATE_ROOM":
                return createRoom(actor, f, rid);
            case "JOIN_ROOM":
                return joinRoom(actor, f, rid);
            case "LEAVE_ROOM":
                return leaveRoom(actor);
            case "LIST_ROOMS":
                return listRooms(f);
            case "UPDATE_ROOM":
                return updateRoom(actor, f, body);
            case "KICK":
                return kick(actor, f);
            case "SEND":
                return send(actor, f, body);
            case "SET_USER_DATA":
                return setUserData(actor, f);
            case "SET_ROOM_DATA":
                return setRoomData(actor, f);
            default:
                throw new IllegalStateException(kind);
        }
    }

    // ------------------------------------------------------------------------------------------------- HELLO

    private Expect hello(Actor actor, Fields f, String rid) {
        Expect expect = new Expect("HELLO");
        Set<String> names = f.name(expect);
        JsonNode data = f.object("data", "DATA_INVALID", expect, false);
        tooLarge(data, USER_DATA_LIMIT, expect);
        f.integer("last_seq", BigInteger.ZERO, null, "FIELD_INVALID", expect, true);
        expect.successKind = "HELLO";
        JsonNode expectedData = data == null ? Json.NODES.objectNode() : data;
        expect.onSuccess = answer -> {
            JsonNode user = answer.path("user");
            if (answer.path("reconnected").asBoolean(true) || !answer.path("reconnected").isBoolean()) {
                return "a fresh HELLO must answer reconnected:false";
            }
            if (!answer.path("reconnect_token").isTextual() || answer.path("reconnect_token").asText().isEmpty()) {
                return "no reconnect_token";
            }
            if (!user.path("id").isTextual()) {
                return "user without id";
            }
            String name = user.path("name").asText(null);
            if (names == null ? name == null || !name.matches("guest-.{4}") : !names.contains(name)) {
                return "user name " + Json.quote(String.valueOf(name)) + ", expected " + (names == null ? "guest-xxxx"
                        : names.stream().map(Json::quote).toList());
            }
            if (!Json.same(expectedData, user.path("data"))) {
                return "user data " + user.path("data") + ", expected " + expectedData;
            }
            actor.hello = true;
            actor.userId = user.path("id").asText();
            actor.name = name;
            actor.data = expectedData;
            actor.token = answer.path("reconnect_token").asText();
            return null;
        };
        return expect;
    }

    // ------------------------------------------------------------------------------------------------- rooms

    private Expect createRoom(Actor actor, Fields f, String rid) {
        Expect expect = new Expect("CREATE_ROOM");
        String id = f.roomId(expect, false);
        String name = f.text("name", 64, expect, true);
        Integer capacity = f.capacity(expect, 1);
        String password = f.text("password", 128, expect, false);
        Boolean listed = f.bool("listed", expect);
        JsonNode data = f.object("data", "DATA_INVALID", expect, false);
        tooLarge(data, ROOM_DATA_LIMIT, expect);
        if (actor.room != null) {
            expect.error("ALREADY_IN_ROOM");
        }
        if (id != null && rooms.containsKey(id)) {
            expect.error("ROOM_ID_TAKEN");
        } else if (id != null && (foreignRooms.contains(id) || tainted)) {
            // After a reset the server may hold rooms the model does not know (made by the step that failed).
            expect.tolerate("ROOM_ID_TAKEN");
        }
        expect.successKind = "JOINED_ROOM";
        expect.onSuccess = answer -> {
            JsonNode view = answer.path("room");
            String created = view.path("id").asText("");
            if (id != null ? !id.equals(created) : !ROOM_ID.matcher(created).matches()) {
                return "created room id " + Json.quote(created) + ", expected " + (id == null ? "a generated id" : id);
            }
            RoomModel room = new RoomModel();
            room.id = created;
            room.name = name != null ? name : view.path("name").asText();
            room.owner = actor.userId;
            room.capacity = capacity != null ? capacity : 16;
            room.listed = listed == null || listed;
            room.password = password;
            room.data = data == null ? Json.NODES.objectNode() : data;
            room.createdAt = view.path("created_at").asLong();
            room.members.add(actor.userId);
            String problem = checkJoined(answer, room, actor, false);
            if (problem != null) {
                return problem;
            }
            rooms.put(room.id, room);
            foreignRooms.remove(room.id);
            actor.room = room.id;
            actor.lastSeq = answer.path("seq").asLong();
            return null;
        };
        return expect;
    }

    private Expect joinRoom(Actor actor, Fields f, String rid) {
        Expect expect = new Expect("JOIN_ROOM");
        String id = f.roomId(expect, true);
        JsonNode passwordNode = f.raw("password");
        String password = null;
        if (passwordNode != null && !passwordNode.isNull()) {
            if (passwordNode.isTextual()) {
                password = passwordNode.textValue();
            } else {
                expect.field("password");
            }
        }
        if (actor.room != null) {
            expect.error("ALREADY_IN_ROOM");
        }
        RoomModel room = id == null ? null : rooms.get(id);
        if (id != null && room == null) {
            if (foreignRooms.contains(id)) {
                // A room abandoned by a reset: it may still exist, with members in grace.
                expect.tolerate("ROOM_NOT_FOUND");
                expect.tolerate("ROOM_FULL");
                expect.tolerate("PASSWORD_WRONG");
            } else {
                expect.error("ROOM_NOT_FOUND");
            }
        }
        if (room != null) {
            if (room.password != null && !room.password.equals(password)) {
                expect.error("PASSWORD_WRONG");
            }
            if (room.members.size() >= room.capacity) {
                expect.error("ROOM_FULL");
            }
        }
        expect.successKind = "JOINED_ROOM";
        expect.onSuccess = answer -> {
            if (room == null) {
                return "joined a room the model does not know: " + id;
            }
            room.members.add(actor.userId);
            String problem = checkJoined(answer, room, actor, false);
            if (problem != null) {
                return problem;
            }
            actor.room = room.id;
            actor.lastSeq = answer.path("seq").asLong();
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = byUser(other);
                    // The joiner as it is now: later changes come as their own events.
                    String joiner = actor.userId;
                    String joinerName = actor.name;
                    JsonNode joinerData = actor.data;
                    member.expected.add(new Event("USER_JOINED " + joiner, event -> roomEvent(member, event,
                            "USER_JOINED", room.id, () -> memberProblem(event.path("user"), joiner, joinerName,
                                    joinerData))));
                }
            }
            return null;
        };
        return expect;
    }

    private Expect leaveRoom(Actor actor) {
        Expect expect = new Expect("LEAVE_ROOM");
        if (actor.room == null) {
            return expect.error("NOT_IN_ROOM");
        }
        String roomId = actor.room;
        expect.successKind = "LEFT_ROOM";
        expect.onSuccess = answer -> {
            if (!roomId.equals(answer.path("room").asText()) || !"left".equals(answer.path("reason").asText())
                    || answer.has("seq")) {
                return "LEFT_ROOM should be {room:" + roomId + ", reason:left} without seq";
            }
            leaveRoomOf(actor, "left");
            return null;
        };
        return expect;
    }

    /** The actor leaves its room (LEAVE_ROOM, BYE): the others see it leave, and maybe a new owner. */
    void leaveRoomOf(Actor actor, String reason) {
        if (actor.room == null) {
            return;
        }
        RoomModel room = rooms.get(actor.room);
        actor.room = null;
        if (room == null) {
            return;
        }
        String leaver = actor.userId;
        room.members.remove(leaver);
        boolean ownerChanged = leaver.equals(room.owner) && !room.members.isEmpty();
        if (ownerChanged) {
            room.owner = room.members.get(0);
        }
        for (String other : room.members) {
            Actor member = byUser(other);
            member.expected.add(new Event("USER_LEFT " + leaver + " " + reason, event -> roomEvent(member, event,
                    "USER_LEFT", room.id, () -> leaver.equals(event.path("user_id").asText())
                            && reason.equals(event.path("reason").asText()) ? null : "expected user_id " + leaver
                                    + " reason " + reason)));
            if (ownerChanged) {
                String owner = room.owner;
                member.expected.add(new Event("ROOM_UPDATED owner " + owner, event -> roomEvent(member, event,
                        "ROOM_UPDATED", room.id, () -> owner.equals(event.path("room").path("owner").asText()) ? null
                                : "expected the longest present member " + owner + " as owner")));
            }
        }
        if (room.members.isEmpty()) {
            rooms.remove(room.id);
        }
    }

    private Expect listRooms(Fields f) {
        Expect expect = new Expect("LIST_ROOMS");
        Integer limit = f.intRange("limit", 1, 200, "FIELD_INVALID", expect);
        int max = limit == null ? 50 : limit;
        expect.successKind = "ROOM_LIST";
        expect.onSuccess = answer -> {
            JsonNode list = answer.path("rooms");
            if (!list.isArray() || list.size() > max) {
                return "rooms must be an array of at most " + max;
            }
            long lastCreated = Long.MIN_VALUE;
            Set<String> seen = new HashSet<>();
            for (JsonNode view : list) {
                if (view.has("data")) {
                    return "ROOM_LIST must omit data";
                }
                long created = view.path("created_at").asLong();
                if (created < lastCreated) {
                    return "ROOM_LIST not ordered by created_at";
                }
                lastCreated = created;
                String id = view.path("id").asText();
                seen.add(id);
                RoomModel room = rooms.get(id);
                if (room == null) {
                    if (!foreignRooms.contains(id) && !tainted) {
                        return "ROOM_LIST shows a room that does not exist: " + id;
                    }
                    continue;
                }
                if (!room.listed) {
                    return "ROOM_LIST shows an unlisted room " + id;
                }
                String problem = roomProblem(view, room, false);
                if (problem != null) {
                    return problem;
                }
            }
            if (list.size() < max) {
                for (RoomModel room : rooms.values()) {
                    if (room.listed && !seen.contains(room.id)) {
                        return "ROOM_LIST misses listed room " + room.id;
                    }
                }
            }
            if (foreignRooms.isEmpty() && !tainted) {
                List<String> expected = rooms.values().stream().filter(room -> room.listed)
                        .sorted(Comparator.<RoomModel> comparingLong(room -> room.createdAt).thenComparing(room -> room.id))
                        .limit(max).map(room -> room.id).toList();
                List<String> actual = new ArrayList<>();
                list.forEach(view -> actual.add(view.path("id").asText()));
                if (!expected.equals(actual)) {
                    return "ROOM_LIST " + actual + ", expected " + expected;
                }
            }
            return null;
        };
        return expect;
    }

    private Expect updateRoom(Actor actor, Fields f, ObjectNode body) {
        Expect expect = new Expect("UPDATE_ROOM");
        RoomModel room = actor.room == null ? null : rooms.get(actor.room);
        if (actor.room == null) {
            expect.error("NOT_IN_ROOM");
        } else if (!actor.userId.equals(room.owner)) {
            expect.error("NOT_OWNER");
        }
        String name = f.text("name", 64, expect, true);
        Integer capacity = f.capacity(expect, room == null ? 1 : room.members.size());
        boolean clearPassword = body.has("password") && body.get("password").isNull();
        String password = clearPassword ? null : f.text("password", 128, expect, false);
        Boolean listed = f.bool("listed", expect);
        expect.successKind = "ROOM_UPDATED";
        expect.onSuccess = answer -> {
            if (name != null) {
                room.name = name;
            }
            if (capacity != null) {
                room.capacity = capacity;
            }
            if (clearPassword) {
                room.password = null;
            } else if (password != null) {
                room.password = password;
            }
            if (listed != null) {
                room.listed = listed;
            }
            return roomUpdated(actor, room, answer);
        };
        return expect;
    }

    private String roomUpdated(Actor actor, RoomModel room, JsonNode answer) {
        String problem = roomEvent(actor, answer, "ROOM_UPDATED", null, () -> roomProblem(answer.path("room"), room, true));
        if (problem != null) {
            return problem;
        }
        for (String other : room.members) {
            if (!other.equals(actor.userId)) {
                Actor member = byUser(other);
                JsonNode view = answer.path("room").deepCopy();
                member.expected.add(new Event("ROOM_UPDATED", event -> roomEvent(member, event, "ROOM_UPDATED", null,
                        () -> Json.same(view, event.path("room")) ? null : "room differs from the requester's copy")));
            }
        }
        return null;
    }

    private Expect kick(Actor actor, Fields f) {
        Expect expect = new Expect("KICK");
        RoomModel room = actor.room == null ? null : rooms.get(actor.room);
        if (actor.room == null) {
            expect.error("NOT_IN_ROOM");
        } else if (!actor.userId.equals(room.owner)) {
            expect.error("NOT_OWNER");
        }
        JsonNode user = f.raw("user");
        String target = null;
        if (user == null || user.isNull() || !user.isTextual()) {
            expect.field("user");
        } else {
            target = user.textValue();
            if (target.equals(actor.userId)) {
                expect.field("user");
            } else if (room != null && !room.members.contains(target)) {
                expect.error("USER_NOT_IN_ROOM");
            }
        }
        String kicked = target;
        expect.successKind = "USER_LEFT";
        expect.onSuccess = answer -> {
            String problem = roomEvent(actor, answer, "USER_LEFT", room.id,
                    () -> kicked.equals(answer.path("user_id").asText()) && "kicked".equals(answer.path("reason").asText())
                            ? null : "expected user_id " + kicked + ", reason kicked");
            if (problem != null) {
                return problem;
            }
            room.members.remove(kicked);
            Actor victim = byUser(kicked);
            victim.room = null;
            victim.expected.add(new Event("LEFT_ROOM kicked", event -> "LEFT_ROOM".equals(event.path("kind").asText())
                    && room.id.equals(event.path("room").asText()) && "kicked".equals(event.path("reason").asText())
                    && !event.has("rid") && !event.has("seq") ? null : "expected LEFT_ROOM {room, reason:kicked}"));
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = byUser(other);
                    member.expected.add(new Event("USER_LEFT kicked", event -> roomEvent(member, event, "USER_LEFT",
                            room.id, () -> kicked.equals(event.path("user_id").asText())
                                    && "kicked".equals(event.path("reason").asText()) ? null : "expected kicked " + kicked)));
                }
            }
            return null;
        };
        return expect;
    }

    private Expect send(Actor actor, Fields f, ObjectNode body) {
        Expect expect = new Expect("SEND");
        RoomModel room = actor.room == null ? null : rooms.get(actor.room);
        if (actor.room == null) {
            expect.error("NOT_IN_ROOM");
        }
        JsonNode data = body.get("data");
        if (data == null) {
            expect.field("data");
        }
        JsonNode toNode = f.raw("to");
        String to = null;
        if (toNode != null && !toNode.isNull()) {
            if (!toNode.isTextual()) {
                expect.field("to");
            } else {
                to = toNode.textValue();
                if (room != null && !room.members.contains(to)) {
                    expect.error("USER_NOT_IN_ROOM");
                }
            }
        } else if (toNode != null) {
            expect.tolerateField("to");
        }
        String addressee = to;
        expect.successKind = "MESSAGE";
        expect.onSuccess = answer -> {
            String problem = message(actor, answer, room, data, addressee);
            if (problem != null) {
                return problem;
            }
            for (String other : room.members) {
                if (!other.equals(actor.userId) && (addressee == null || addressee.equals(other))) {
                    Actor member = byUser(other);
                    member.expected.add(new Event("MESSAGE from " + actor.userId,
                            event -> message(member, event, room, data, addressee) == null
                                    && actor.userId.equals(event.path("from").asText()) ? null
                                            : "MESSAGE differs: " + message(member, event, room, data, addressee)));
                }
            }
            return null;
        };
        return expect;
    }

    private String message(Actor receiver, JsonNode message, RoomModel room, JsonNode data, String to) {
        return roomEvent(receiver, message, "MESSAGE", room.id, () -> {
            if (!Json.same(data, message.get("data"))) {
                return "data " + abbreviate(String.valueOf(message.get("data"))) + " is not the sent "
                        + abbreviate(data.toString());
            }
            if (!Objects.equals(to, message.path("to").asText(null))) {
                return "to " + message.path("to") + ", expected " + to;
            }
            return null;
        });
    }

    private Expect setUserData(Actor actor, Fields f) {
        Expect expect = new Expect("SET_USER_DATA");
        JsonNode patch = f.object("data", "DATA_INVALID", expect, true);
        JsonNode merged = patch == null ? null : Json.mergePatch(actor.data, patch);
        tooLarge(merged, USER_DATA_LIMIT, expect);
        RoomModel room = actor.room == null ? null : rooms.get(actor.room);
        expect.successKind = "USER_UPDATED";
        expect.onSuccess = answer -> {
            actor.data = merged;
            if (room == null) {
                if (answer.has("seq") || answer.has("room")) {
                    return "USER_UPDATED outside a room has no room and no seq";
                }
                return memberProblem(answer.path("user"), actor);
            }
            String problem = roomEvent(actor, answer, "USER_UPDATED", room.id, () -> memberProblem(answer.path("user"), actor));
            if (problem != null) {
                return problem;
            }
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = byUser(other);
                    member.expected.add(new Event("USER_UPDATED " + actor.userId, event -> roomEvent(member, event,
                            "USER_UPDATED", room.id, () -> memberProblem(event.path("user"), actor.userId, actor.name,
                                    merged))));
                }
            }
            return null;
        };
        return expect;
    }

    private Expect setRoomData(Actor actor, Fields f) {
        Expect expect = new Expect("SET_ROOM_DATA");
        RoomModel room = actor.room == null ? null : rooms.get(actor.room);
        if (actor.room == null) {
            expect.error("NOT_IN_ROOM");
        }
        JsonNode patch = f.object("data", "DATA_INVALID", expect, true);
        JsonNode merged = patch == null || room == null ? null : Json.mergePatch(room.data, patch);
        tooLarge(merged, ROOM_DATA_LIMIT, expect);
        expect.successKind = "ROOM_UPDATED";
        expect.onSuccess = answer -> {
            room.data = merged;
            return roomUpdated(actor, room, answer);
        };
        return expect;
    }

    /**
     * "At most N bytes serialized": how a number is written back (1E+2 or 100.0) is the serializer's choice, so near
     * the limit either answer is accepted when the readings straddle it.
     */
    private static void tooLarge(JsonNode data, int limit, Expect expect) {
        if (data == null) {
            return;
        }
        int[] sizes = Json.serializedSizes(data);
        if (sizes[0] > limit) {
            expect.error("DATA_TOO_LARGE");
        } else if (sizes[1] > limit) {
            expect.tolerate("DATA_TOO_LARGE");
        }
    }

    // ------------------------------------------------------------------------------------------------- checks

    String checkJoined(JsonNode answer, RoomModel room, Actor actor, boolean resumed) {
        if (answer.path("resumed").asBoolean(!resumed) != resumed || !answer.path("resumed").isBoolean()) {
            return "resumed must be " + resumed;
        }
        if (!resumed && (answer.path("recovered").asBoolean(true) || !answer.path("recovered").isBoolean())) {
            return "recovered must be false";
        }
        if (!answer.path("seq").isIntegralNumber()) {
            return "JOINED_ROOM without seq";
        }
        String problem = roomProblem(answer.path("room"), room, true);
        if (problem != null) {
            return problem;
        }
        List<String> members = new ArrayList<>();
        for (JsonNode member : answer.path("members")) {
            members.add(member.path("id").asText());
            if (!member.path("connected").asBoolean(false)) {
                return "member " + member.path("id") + " shown disconnected";
            }
            Actor known = byUser(member.path("id").asText());
            if (known != null) {
                String memberProblem = memberProblem(member, known);
                if (memberProblem != null) {
                    return memberProblem;
                }
            }
        }
        if (!members.equals(room.members)) {
            return "members " + members + ", expected in join order " + room.members;
        }
        return null;
    }

    String roomProblem(JsonNode view, RoomModel room, boolean withData) {
        if (!room.id.equals(view.path("id").asText())) {
            return "room id " + view.path("id") + ", expected " + room.id;
        }
        if (!room.name.equals(view.path("name").asText(null))) {
            return "room name " + view.path("name") + ", expected " + Json.quote(room.name);
        }
        if (!Objects.equals(room.owner, view.path("owner").asText(null))) {
            return "owner " + view.path("owner") + ", expected " + room.owner;
        }
        if (view.path("capacity").asInt(-1) != room.capacity) {
            return "capacity " + view.path("capacity") + ", expected " + room.capacity;
        }
        if (view.path("listed").asBoolean(!room.listed) != room.listed) {
            return "listed " + view.path("listed") + ", expected " + room.listed;
        }
        if (view.path("has_password").asBoolean(room.password == null) != (room.password != null)) {
            return "has_password " + view.path("has_password") + ", expected " + (room.password != null);
        }
        if (view.path("member_count").asInt(-1) != room.members.size()) {
            return "member_count " + view.path("member_count") + ", expected " + room.members.size();
        }
        if (view.has("password")) {
            return "the room view shows its password";
        }
        if (room.createdAt != 0 && view.path("created_at").asLong() != room.createdAt) {
            return "created_at changed";
        }
        if (withData && !Json.same(room.data, view.get("data"))) {
            return "room data " + abbreviate(String.valueOf(view.get("data"))) + ", expected " + abbreviate(room.data.toString());
        }
        return null;
    }

    String memberProblem(JsonNode member, Actor actor) {
        return memberProblem(member, actor.userId, actor.name, actor.data);
    }

    static String memberProblem(JsonNode member, String id, String name, JsonNode data) {
        if (!id.equals(member.path("id").asText())) {
            return "user id " + member.path("id") + ", expected " + id;
        }
        if (!name.equals(member.path("name").asText(null))) {
            return "user name " + member.path("name") + ", expected " + Json.quote(name);
        }
        if (!Json.same(data, member.get("data"))) {
            return "user data " + abbreviate(String.valueOf(member.get("data"))) + ", expected " + abbreviate(data.toString());
        }
        if (!member.path("connected").asBoolean(false)) {
            return "member shown disconnected";
        }
        return null;
    }

    /** A room event for {@code receiver}: its kind, room, a seq above the last one it saw, and then {@code more}. */
    static String roomEvent(Actor receiver, JsonNode event, String kind, String roomId,
            java.util.function.Supplier<String> more) {
        if (!kind.equals(event.path("kind").asText())) {
            return "expected " + kind + ", got " + event.path("kind");
        }
        JsonNode room = event.path("room");
        if (roomId != null && !roomId.equals(room.isObject() ? room.path("id").asText() : room.asText())) {
            return "room " + event.path("room") + ", expected " + roomId;
        }
        if (!event.path("seq").isIntegralNumber()) {
            return kind + " without an integer seq";
        }
        long seq = event.path("seq").asLong();
        if (seq <= receiver.lastSeq) {
            return "seq " + seq + " not above the last seen " + receiver.lastSeq;
        }
        receiver.lastSeq = seq;
        return more.get();
    }

    static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 150) + "…(" + text.length() + " chars)";
    }

    // ------------------------------------------------------------------------------------------------- fields

    /** Reads one request's fields the way the specification describes them, noting each violation. */
    static final class Fields {
        private final ObjectNode body;

        Fields(ObjectNode body) {
            this.body = body;
        }

        JsonNode raw(String name) {
            return body.get(name);
        }

        /** An optional string of at most {@code max} characters (code points or UTF-16 units: not specified). */
        String text(String name, int max, Expect expect, boolean codePoints) {
            JsonNode value = body.get(name);
            if (value == null) {
                return null;
            }
            if (value.isNull()) {
                expect.tolerateField(name);
                return null;
            }
            if (!value.isTextual()) {
                expect.field(name);
                return null;
            }
            String text = value.textValue();
            int units = text.length();
            int points = text.codePointCount(0, units);
            if (points > max) {
                expect.field(name);
            } else if (units > max) {
                expect.tolerateField(name);
            }
            return text;
        }

        Boolean bool(String name, Expect expect) {
            JsonNode value = body.get(name);
            if (value == null) {
                return null;
            }
            if (value.isNull()) {
                expect.tolerateField(name);
                return null;
            }
            if (!value.isBoolean()) {
                expect.field(name);
                return null;
            }
            return value.booleanValue();
        }

        /** An object field; {@code required} ones must be there. Absent or null: what the spec leaves open. */
        JsonNode object(String name, String invalid, Expect expect, boolean required) {
            JsonNode value = body.get(name);
            if (value == null || value.isNull()) {
                if (required) {
                    // "A required field that is missing" is FIELD_INVALID, "a data that must be an object" DATA_INVALID.
                    expect.errors.add(invalid);
                    expect.errors.add("FIELD_INVALID@" + name);
                } else if (value != null) {
                    expect.tolerate(invalid);
                }
                return null;
            }
            if (!value.isObject()) {
                expect.error(invalid);
                return null;
            }
            return value;
        }

        /** An optional integer in [min, max] ({@code null}: unbounded); an integral float like 5.0 is tolerated. */
        BigInteger integer(String name, BigInteger min, BigInteger max, String why, Expect expect, boolean hugeTolerated) {
            JsonNode value = body.get(name);
            String error = "FIELD_INVALID".equals(why) ? "FIELD_INVALID@" + name : why;
            if (value == null) {
                return null;
            }
            if (value.isNull()) {
                expect.tolerate(error);
                return null;
            }
            if (!value.isNumber()) {
                expect.errors.add(error);
                return null;
            }
            BigInteger integer;
            boolean integralFloat = false;
            if (value.isIntegralNumber()) {
                integer = value.bigIntegerValue();
            } else {
                BigDecimal decimal = value.decimalValue();
                try {
                    integer = decimal.toBigIntegerExact();
                    integralFloat = true;
                } catch (ArithmeticException notIntegral) {
                    expect.errors.add(error);
                    return null;
                }
            }
            if (min != null && integer.compareTo(min) < 0 || max != null && integer.compareTo(max) > 0) {
                expect.errors.add(error);
                return null;
            }
            if (integralFloat) {
                expect.tolerate(error);
            }
            if (hugeTolerated && integer.bitLength() > 63) {
                expect.tolerate(error);
            }
            return integer;
        }

        Integer intRange(String name, int min, int max, String why, Expect expect) {
            BigInteger value = integer(name, BigInteger.valueOf(min), BigInteger.valueOf(max), why, expect, false);
            return value == null ? null : value.intValue();
        }

        Integer capacity(Expect expect, int min) {
            JsonNode value = body.get("capacity");
            if (value != null && value.isIntegralNumber() && value.bigIntegerValue().compareTo(BigInteger.ONE) >= 0
                    && value.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0) {
                expect.error("CAPACITY_INVALID");
                return null;
            }
            // Out of range or not an integer: FIELD_INVALID ("no more specific why is listed"); CAPACITY_INVALID is
            // for an UPDATE_ROOM below the member count (PROTOCOL.md §2.4).
            return intRange("capacity", 1, MAX_ROOM_CAPACITY, "FIELD_INVALID", expect);
        }

        /** {@code room}: a string matching the id pattern; required for JOIN_ROOM. */
        String roomId(Expect expect, boolean required) {
            JsonNode value = body.get("room");
            if (value == null) {
                if (required) {
                    expect.field("room");
                }
                return null;
            }
            if (value.isNull()) {
                if (required) {
                    expect.errors.add("FIELD_INVALID@room");
                    expect.errors.add("ROOM_ID_INVALID");
                } else {
                    expect.tolerate("ROOM_ID_INVALID");
                }
                return null;
            }
            if (!value.isTextual() || !ROOM_ID.matcher(value.textValue()).matches()) {
                expect.error("ROOM_ID_INVALID");
                return null;
            }
            return value.textValue();
        }

        /**
         * HELLO {@code name}: 1–64 code points after trimming, no control characters. Which whitespace "trimming"
         * removes, and whether control characters in the trimmed-off part count, is not specified: every reading is
         * tried, and the answer may follow any of them.
         *
         * @return the acceptable stored names, {@code null} for a guest name
         */
        Set<String> name(Expect expect) {
            JsonNode value = body.get("name");
            if (value == null) {
                return null;
            }
            if (value.isNull()) {
                expect.tolerate("NAME_INVALID");
                return null;
            }
            if (!value.isTextual()) {
                expect.error("NAME_INVALID");
                return Set.of();
            }
            String raw = value.textValue();
            Set<String> valid = new java.util.LinkedHashSet<>();
            int invalid = 0;
            for (String trimmed : List.of(raw.strip(), raw.trim(), unicodeTrim(raw))) {
                for (boolean checkRaw : new boolean[] { false, true }) {
                    String checked = checkRaw ? raw : trimmed;
                    int points = trimmed.codePointCount(0, trimmed.length());
                    if (points >= 1 && points <= 64 && checked.codePoints().noneMatch(Character::isISOControl)) {
                        valid.add(trimmed);
                    } else {
                        invalid++;
                    }
                }
            }
            if (valid.isEmpty()) {
                expect.error("NAME_INVALID");
            } else if (invalid > 0) {
                expect.tolerate("NAME_INVALID");
            }
            return valid;
        }

        private static String unicodeTrim(String text) {
            int start = 0;
            int end = text.length();
            while (start < end && isUnicodeSpace(text.charAt(start))) {
                start++;
            }
            while (end > start && isUnicodeSpace(text.charAt(end - 1))) {
                end--;
            }
            return text.substring(start, end);
        }

        private static boolean isUnicodeSpace(char c) {
            return c >= 0x09 && c <= 0x0D || c == ' ' || c == 0x85 || c == 0xA0 || c == 0x1680
                    || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                    || c == 0x3000;
        }
    }
}

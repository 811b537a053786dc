package io.multistudio.abuse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.Request.RequestKind;

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

    final List<Actor> actors = new ArrayList<>();
    final Map<String, RoomModel> rooms = new LinkedHashMap<>();
    /** Rooms left behind by a reset after a violation: they may still exist, in a state the model no longer knows. */
    final Set<String> foreignRooms = new HashSet<>();
    /** Set after a reset: a room made by the request that failed is unknown to the model. */
    boolean tainted;
    private final UserRequests users = new UserRequests(this);
    private final RoomRequests roomRequests = new RoomRequests(this);
    private final OwnerRequests owners = new OwnerRequests(this);

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
                return actor.hello ? new Expect("second HELLO").error("HELLO_ALREADY_DONE") : users.hello(actor, f, rid);
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
                    roomRequests.leaveRoomOf(actor, "left");
                    return null;
                };
                return expect;
            }
            case "CREATE_ROOM":
                return roomRequests.createRoom(actor, f, rid);
            case "JOIN_ROOM":
                return roomRequests.joinRoom(actor, f, rid);
            case "LEAVE_ROOM":
                return roomRequests.leaveRoom(actor);
            case "LIST_ROOMS":
                return roomRequests.listRooms(f);
            case "UPDATE_ROOM":
                return owners.updateRoom(actor, f, body);
            case "KICK":
                return owners.kick(actor, f);
            case "SEND":
                return users.send(actor, f, body);
            case "SET_USER_DATA":
                return users.setUserData(actor, f);
            case "SET_ROOM_DATA":
                return owners.setRoomData(actor, f);
            default:
                throw new IllegalStateException(kind);
        }
    }

}

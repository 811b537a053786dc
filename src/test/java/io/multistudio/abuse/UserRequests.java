package io.multistudio.abuse;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The oracle for what a user says and is: HELLO, SEND, SET_USER_DATA. */
final class UserRequests {

    private final World world;

    UserRequests(World world) {
        this.world = world;
    }

    Expect hello(Actor actor, Fields f, String rid) {
        Expect expect = new Expect("HELLO");
        Set<String> names = f.name(expect);
        JsonNode data = f.object("data", "DATA_INVALID", expect, false);
        Checks.tooLarge(data, World.USER_DATA_LIMIT, expect);
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

    Expect send(Actor actor, Fields f, ObjectNode body) {
        Expect expect = new Expect("SEND");
        RoomModel room = actor.room == null ? null : world.rooms.get(actor.room);
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
                    Actor member = world.byUser(other);
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
        return Checks.roomEvent(receiver, message, "MESSAGE", room.id, () -> {
            if (!Json.same(data, message.get("data"))) {
                return "data " + Checks.abbreviate(String.valueOf(message.get("data"))) + " is not the sent "
                        + Checks.abbreviate(data.toString());
            }
            if (!Objects.equals(to, message.path("to").asText(null))) {
                return "to " + message.path("to") + ", expected " + to;
            }
            return null;
        });
    }

    Expect setUserData(Actor actor, Fields f) {
        Expect expect = new Expect("SET_USER_DATA");
        JsonNode patch = f.object("data", "DATA_INVALID", expect, true);
        JsonNode merged = patch == null ? null : Json.mergePatch(actor.data, patch);
        Checks.tooLarge(merged, World.USER_DATA_LIMIT, expect);
        RoomModel room = actor.room == null ? null : world.rooms.get(actor.room);
        expect.successKind = "USER_UPDATED";
        expect.onSuccess = answer -> {
            actor.data = merged;
            if (room == null) {
                if (answer.has("seq") || answer.has("room")) {
                    return "USER_UPDATED outside a room has no room and no seq";
                }
                return Checks.memberProblem(answer.path("user"), actor);
            }
            String problem = Checks.roomEvent(actor, answer, "USER_UPDATED", room.id, () -> Checks.memberProblem(answer.path("user"), actor));
            if (problem != null) {
                return problem;
            }
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = world.byUser(other);
                    member.expected.add(new Event("USER_UPDATED " + actor.userId, event -> Checks.roomEvent(member, event,
                            "USER_UPDATED", room.id, () -> Checks.memberProblem(event.path("user"), actor.userId, actor.name,
                                    merged))));
                }
            }
            return null;
        };
        return expect;
    }
}

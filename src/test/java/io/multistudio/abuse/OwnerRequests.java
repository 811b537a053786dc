package io.multistudio.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The oracle for an owner's changes of its room: UPDATE_ROOM, KICK, SET_ROOM_DATA. */
final class OwnerRequests {

    private final World world;

    OwnerRequests(World world) {
        this.world = world;
    }

    Expect updateRoom(Actor actor, Fields f, ObjectNode body) {
        Expect expect = new Expect("UPDATE_ROOM");
        RoomModel room = ownedRoom(actor, expect);
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
        String problem = Checks.roomEvent(actor, answer, "ROOM_UPDATED", null, () -> Checks.roomProblem(answer.path("room"), room, true));
        if (problem != null) {
            return problem;
        }
        for (String other : room.members) {
            if (!other.equals(actor.userId)) {
                Actor member = world.byUser(other);
                JsonNode view = answer.path("room").deepCopy();
                member.expected.add(new Event("ROOM_UPDATED", event -> Checks.roomEvent(member, event, "ROOM_UPDATED", null,
                        () -> Json.same(view, event.path("room")) ? null : "room differs from the requester's copy")));
            }
        }
        return null;
    }

    Expect kick(Actor actor, Fields f) {
        Expect expect = new Expect("KICK");
        RoomModel room = ownedRoom(actor, expect);
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
            String problem = Checks.roomEvent(actor, answer, "USER_LEFT", room.id,
                    () -> kicked.equals(answer.path("user_id").asText()) && "kicked".equals(answer.path("reason").asText())
                            ? null : "expected user_id " + kicked + ", reason kicked");
            if (problem != null) {
                return problem;
            }
            room.members.remove(kicked);
            Actor victim = world.byUser(kicked);
            victim.room = null;
            victim.expected.add(new Event("LEFT_ROOM kicked", event -> "LEFT_ROOM".equals(event.path("kind").asText())
                    && room.id.equals(event.path("room").asText()) && "kicked".equals(event.path("reason").asText())
                    && !event.has("rid") && !event.has("seq") ? null : "expected LEFT_ROOM {room, reason:kicked}"));
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = world.byUser(other);
                    member.expected.add(new Event("USER_LEFT kicked", event -> Checks.roomEvent(member, event, "USER_LEFT",
                            room.id, () -> kicked.equals(event.path("user_id").asText())
                                    && "kicked".equals(event.path("reason").asText()) ? null : "expected kicked " + kicked)));
                }
            }
            return null;
        };
        return expect;
    }

    /** The actor's room, with what it breaks by asking for an owner's change: not in a room, not its owner. */
    private RoomModel ownedRoom(Actor actor, Expect expect) {
        RoomModel room = actor.room == null ? null : world.rooms.get(actor.room);
        if (actor.room == null) {
            expect.error("NOT_IN_ROOM");
        } else if (!actor.userId.equals(room.owner)) {
            expect.error("NOT_OWNER");
        }
        return room;
    }

    Expect setRoomData(Actor actor, Fields f) {
        Expect expect = new Expect("SET_ROOM_DATA");
        RoomModel room = actor.room == null ? null : world.rooms.get(actor.room);
        if (actor.room == null) {
            expect.error("NOT_IN_ROOM");
        }
        JsonNode patch = f.object("data", "DATA_INVALID", expect, true);
        JsonNode merged = patch == null || room == null ? null : Json.mergePatch(room.data, patch);
        Checks.tooLarge(merged, World.ROOM_DATA_LIMIT, expect);
        expect.successKind = "ROOM_UPDATED";
        expect.onSuccess = answer -> {
            room.data = merged;
            return roomUpdated(actor, room, answer);
        };
        return expect;
    }
}

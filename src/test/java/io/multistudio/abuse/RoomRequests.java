package io.multistudio.abuse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** The oracle for entering, leaving and listing rooms: CREATE_ROOM, JOIN_ROOM, LEAVE_ROOM, LIST_ROOMS. */
final class RoomRequests {

    private final World world;

    RoomRequests(World world) {
        this.world = world;
    }

    Expect createRoom(Actor actor, Fields f, String rid) {
        Expect expect = new Expect("CREATE_ROOM");
        String id = f.roomId(expect, false);
        String name = f.text("name", 64, expect, true);
        Integer capacity = f.capacity(expect, 1);
        String password = f.text("password", 128, expect, false);
        Boolean listed = f.bool("listed", expect);
        JsonNode data = f.object("data", "DATA_INVALID", expect, false);
        Checks.tooLarge(data, World.ROOM_DATA_LIMIT, expect);
        if (actor.room != null) {
            expect.error("ALREADY_IN_ROOM");
        }
        if (id != null && world.rooms.containsKey(id)) {
            expect.error("ROOM_ID_TAKEN");
        } else if (id != null && (world.foreignRooms.contains(id) || world.tainted)) {
            // After a reset the server may hold rooms the model does not know (made by the step that failed).
            expect.tolerate("ROOM_ID_TAKEN");
        }
        expect.successKind = "JOINED_ROOM";
        expect.onSuccess = answer -> {
            JsonNode view = answer.path("room");
            String created = view.path("id").asText("");
            if (id != null ? !id.equals(created) : !World.ROOM_ID.matcher(created).matches()) {
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
            String problem = Checks.joined(world, answer, room, actor, false);
            if (problem != null) {
                return problem;
            }
            world.rooms.put(room.id, room);
            world.foreignRooms.remove(room.id);
            actor.room = room.id;
            actor.lastSeq = answer.path("seq").asLong();
            return null;
        };
        return expect;
    }

    Expect joinRoom(Actor actor, Fields f, String rid) {
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
        RoomModel room = id == null ? null : world.rooms.get(id);
        if (id != null && room == null) {
            if (world.foreignRooms.contains(id)) {
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
            String problem = Checks.joined(world, answer, room, actor, false);
            if (problem != null) {
                return problem;
            }
            actor.room = room.id;
            actor.lastSeq = answer.path("seq").asLong();
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = world.byUser(other);
                    // The joiner as it is now: later changes come as their own events.
                    String joiner = actor.userId;
                    String joinerName = actor.name;
                    JsonNode joinerData = actor.data;
                    member.expected.add(new Event("USER_JOINED " + joiner, event -> Checks.roomEvent(member, event,
                            "USER_JOINED", room.id, () -> Checks.memberProblem(event.path("user"), joiner, joinerName,
                                    joinerData))));
                }
            }
            return null;
        };
        return expect;
    }

    Expect leaveRoom(Actor actor) {
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
        RoomModel room = world.rooms.get(actor.room);
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
            Actor member = world.byUser(other);
            member.expected.add(new Event("USER_LEFT " + leaver + " " + reason, event -> Checks.roomEvent(member, event,
                    "USER_LEFT", room.id, () -> leaver.equals(event.path("user_id").asText())
                            && reason.equals(event.path("reason").asText()) ? null : "expected user_id " + leaver
                                    + " reason " + reason)));
            if (ownerChanged) {
                String owner = room.owner;
                member.expected.add(new Event("ROOM_UPDATED owner " + owner, event -> Checks.roomEvent(member, event,
                        "ROOM_UPDATED", room.id, () -> owner.equals(event.path("room").path("owner").asText()) ? null
                                : "expected the longest present member " + owner + " as owner")));
            }
        }
        if (room.members.isEmpty()) {
            world.rooms.remove(room.id);
        }
    }

    Expect listRooms(Fields f) {
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
                RoomModel room = world.rooms.get(id);
                if (room == null) {
                    if (!world.foreignRooms.contains(id) && !world.tainted) {
                        return "ROOM_LIST shows a room that does not exist: " + id;
                    }
                    continue;
                }
                if (!room.listed) {
                    return "ROOM_LIST shows an unlisted room " + id;
                }
                String problem = Checks.roomProblem(view, room, false);
                if (problem != null) {
                    return problem;
                }
            }
            if (list.size() < max) {
                for (RoomModel room : world.rooms.values()) {
                    if (room.listed && !seen.contains(room.id)) {
                        return "ROOM_LIST misses listed room " + room.id;
                    }
                }
            }
            if (world.foreignRooms.isEmpty() && !world.tainted) {
                List<String> expected = world.rooms.values().stream().filter(room -> room.listed)
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
}

package io.multistudio.abuse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

/** What the fuzz test's oracle checks in the server's answers and room events. */
final class Checks {

    private Checks() {
    }

    static String joined(World world, JsonNode answer, RoomModel room, Actor actor, boolean resumed) {
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
            Actor known = world.byUser(member.path("id").asText());
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

    static String roomProblem(JsonNode view, RoomModel room, boolean withData) {
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

    static String memberProblem(JsonNode member, Actor actor) {
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
            Supplier<String> more) {
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

    /**
     * "At most N bytes serialized": how a number is written back (1E+2 or 100.0) is the serializer's choice, so near
     * the limit either answer is accepted when the readings straddle it.
     */
    static void tooLarge(JsonNode data, int limit, Expect expect) {
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
}

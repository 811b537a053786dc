package io.multistudio.room;

import static io.multistudio.transport.EnvelopeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/** PROTOCOL.md §2.3–2.4: creating, joining, leaving, listing and updating rooms. Run once per engine. */
abstract class RoomTests {

    @TestHTTPResource("/ws")
    URI uri;

    public static String newRoomId() {
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String id(Wire client) {
        return client.helloAnswer().path("user").path("id").asText();
    }

    public static JsonNode create(Wire owner, String room, String extra) {
        JsonNode joined = owner.request("{\"kind\":\"CREATE_ROOM\",\"rid\":\"c\",\"room\":\"" + room + "\"" + extra + "}");
        assertThat(joined.path("kind").asText()).as("%s", joined).isEqualTo("JOINED_ROOM");
        return joined;
    }

    public static JsonNode join(Wire client, String room) {
        JsonNode joined = client.request("{\"kind\":\"JOIN_ROOM\",\"rid\":\"j\",\"room\":\"" + room + "\"}");
        assertThat(joined.path("kind").asText()).as("%s", joined).isEqualTo("JOINED_ROOM");
        return joined;
    }

    /**
     * {@code owner} creates {@code room} and the others join it in order; the USER_JOINED notices this causes are
     * taken, so every client starts with nothing pending.
     */
    static void gather(String room, Wire owner, Wire... others) {
        create(owner, room, "");
        List<Wire> inside = new ArrayList<>(List.of(owner));
        for (Wire joiner : others) {
            join(joiner, room);
            inside.forEach(Wire::next);
            inside.add(joiner);
        }
    }

    @Test
    void createRoomMakesTheCreatorOwnerAndSoleMember() {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            String room = newRoomId();
            JsonNode joined = ada.request("{\"kind\":\"CREATE_ROOM\",\"rid\":\"c1\",\"room\":\"" + room
                    + "\",\"name\":\"Lobby\",\"capacity\":5,\"password\":\"pw\",\"listed\":false,\"data\":{\"topic\":\"x\"}}");
            assertThat(joined.path("rid").asText()).isEqualTo("c1");
            JsonNode view = joined.path("room");
            assertThat(view.path("id").asText()).isEqualTo(room);
            assertThat(view.path("name").asText()).isEqualTo("Lobby");
            assertThat(view.path("owner").asText()).isEqualTo(id(ada));
            assertThat(view.path("capacity").asInt()).isEqualTo(5);
            assertThat(view.path("listed").asBoolean(true)).isFalse();
            assertThat(view.path("has_password").asBoolean()).isTrue();
            assertThat(view.path("data").path("topic").asText()).isEqualTo("x");
            assertThat(view.path("member_count").asInt()).isEqualTo(1);
            assertThat(view.path("created_at").asLong()).isPositive();
            assertThat(view.has("password")).isFalse();
            assertThat(joined.path("members")).hasSize(1);
            assertThat(joined.path("members").get(0).path("id").asText()).isEqualTo(id(ada));
            assertThat(joined.path("members").get(0).path("connected").asBoolean()).isTrue();
            assertThat(joined.path("seq").asLong()).isZero();
            assertThat(joined.path("resumed").asBoolean(true)).isFalse();
            assertThat(joined.path("recovered").asBoolean(true)).isFalse();
        }
    }

    @Test
    void createRoomDefaultsAndGeneratedIds() {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            JsonNode view = ada.request("{\"kind\":\"CREATE_ROOM\"}").path("room");
            assertThat(view.path("id").asText()).matches("[A-Za-z0-9_-]{1,64}");
            assertThat(view.path("capacity").asInt()).isEqualTo(16);
            assertThat(view.path("listed").asBoolean()).isTrue();
            assertThat(view.path("has_password").asBoolean(true)).isFalse();
            assertThat(view.path("data").isObject()).isTrue();
        }
    }

    @Test
    void createRoomRefusals() {
        String taken = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"rid\":\"x\",\"room\":\"bad id!\"}"), "BADR",
                    "ROOM_ID_INVALID", "x");
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + "r".repeat(65) + "\"}"), "BADR",
                    "ROOM_ID_INVALID", null);
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"capacity\":0}"), "BADR", "FIELD_INVALID", null);
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"capacity\":1001}"), "BADR", "FIELD_INVALID", null);
            JsonNode longName = bob.request("{\"kind\":\"CREATE_ROOM\",\"name\":\"" + "n".repeat(65) + "\"}");
            assertError(longName, "BADR", "FIELD_INVALID", null);
            assertThat(longName.path("field").asText()).isEqualTo("name");
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"data\":[1]}"), "BADR", "DATA_INVALID", null);
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"data\":{\"v\":\"" + "x".repeat(65536) + "\"}}"),
                    "BADR", "MESSAGE_TOO_LARGE", null);
        }
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            create(ada, taken, "");
            assertError(bob.request("{\"kind\":\"CREATE_ROOM\",\"rid\":\"t\",\"room\":\"" + taken + "\"}"), "CONF",
                    "ROOM_ID_TAKEN", "t");
            assertError(ada.request("{\"kind\":\"CREATE_ROOM\",\"rid\":\"a\"}"), "STAT", "ALREADY_IN_ROOM", "a");
            JsonNode created = bob.request("{\"kind\":\"CREATE_ROOM\"}");
            assertThat(created.path("kind").asText()).as("a refused create leaves the user free").isEqualTo("JOINED_ROOM");
        }
    }

    @Test
    void joinRoomTellsTheOthers() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy")) {
            create(ada, room, "");
            JsonNode bobJoined = join(bob, room);
            assertThat(bobJoined.path("rid").asText()).isEqualTo("j");
            assertThat(bobJoined.path("seq").asLong()).isEqualTo(1);
            JsonNode userJoined = ada.next();
            assertThat(userJoined.path("kind").asText()).isEqualTo("USER_JOINED");
            assertThat(userJoined.path("room").asText()).isEqualTo(room);
            assertThat(userJoined.path("seq").asLong()).isEqualTo(1);
            assertThat(userJoined.path("user").path("id").asText()).isEqualTo(id(bob));
            assertThat(userJoined.path("user").path("connected").asBoolean()).isTrue();
            assertThat(userJoined.has("rid")).isFalse();

            JsonNode cyJoined = join(cy, room);
            assertThat(cyJoined.path("members").findValuesAsText("id")).containsExactly(id(ada), id(bob), id(cy));
            assertThat(cyJoined.path("room").path("member_count").asInt()).isEqualTo(3);
            assertThat(ada.next().path("user").path("id").asText()).isEqualTo(id(cy));
            assertThat(bob.next().path("user").path("id").asText()).isEqualTo(id(cy));
            assertThat(cy.pending()).as("the joiner gets no USER_JOINED of its own").isZero();
        }
    }

    @Test
    void joinRoomRefusals() {
        String room = newRoomId();
        String locked = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy"); Wire dee = Wire.hello(uri, "Dee")) {
            create(ada, room, ",\"capacity\":2");
            create(dee, locked, ",\"password\":\"secret\"");
            assertError(bob.request("{\"kind\":\"JOIN_ROOM\",\"rid\":\"n\",\"room\":\"nope-" + room + "\"}"), "NFND",
                    "ROOM_NOT_FOUND", "n");
            assertError(bob.request("{\"kind\":\"JOIN_ROOM\"}"), "BADR", "FIELD_INVALID", null);
            assertError(bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"no way\"}"), "BADR", "ROOM_ID_INVALID", null);
            assertError(bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + locked + "\"}"), "DENY", "PASSWORD_WRONG",
                    null);
            assertError(bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + locked + "\",\"password\":\"guess\"}"),
                    "DENY", "PASSWORD_WRONG", null);
            join(bob, room + "\",\"password\":\"ignored");
            assertError(cy.request("{\"kind\":\"JOIN_ROOM\",\"rid\":\"f\",\"room\":\"" + room + "\"}"), "FULL",
                    "ROOM_FULL", "f");
            assertError(bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + locked + "\"}"), "STAT",
                    "ALREADY_IN_ROOM", null);
            JsonNode unlocked = cy.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + locked + "\",\"password\":\"secret\"}");
            assertThat(unlocked.path("kind").asText()).isEqualTo("JOINED_ROOM");
        }
    }

    /** Joins that reach the server together (on Infinispan, written as one group) still fill the room exactly. */
    @Test
    void joinsOfOneRoomAtOnceFillItExactly() {
        String room = newRoomId();
        List<Wire> joiners = new ArrayList<>();
        try (Wire ada = Wire.hello(uri, "Ada")) {
            create(ada, room, ",\"capacity\":4");
            IntStream.range(0, 8).forEach(i -> joiners.add(Wire.hello(uri, "J" + i)));
            joiners.forEach(joiner -> joiner.send("{\"kind\":\"JOIN_ROOM\",\"rid\":\"j\",\"room\":\"" + room + "\"}"));
            List<JsonNode> answers = joiners.stream().map(Wire::next).toList();

            List<JsonNode> joined = answers.stream().filter(a -> a.path("kind").asText().equals("JOINED_ROOM")).toList();
            assertThat(joined).as("%s", answers).hasSize(3);
            assertThat(answers).filteredOn(a -> a.path("why").asText().equals("ROOM_FULL")).hasSize(5);
            assertThat(joined.stream().map(a -> a.path("seq").asLong())).doesNotHaveDuplicates();
            List<JsonNode> seen = ada.next(3);
            assertThat(seen).allMatch(event -> event.path("kind").asText().equals("USER_JOINED"));
            assertThat(seen.stream().map(event -> event.path("seq").asLong()).toList()).isSorted()
                    .containsExactlyInAnyOrderElementsOf(joined.stream().map(a -> a.path("seq").asLong()).toList());
        } finally {
            joiners.forEach(Wire::close);
        }
    }

    @Test
    void leavingPassesOwnershipAndTheLastOneOutDeletesTheRoom() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(room, ada, bob);
            JsonNode left = ada.request("{\"kind\":\"LEAVE_ROOM\",\"rid\":\"l\"}");
            assertThat(left.path("kind").asText()).isEqualTo("LEFT_ROOM");
            assertThat(left.path("rid").asText()).isEqualTo("l");
            assertThat(left.path("room").asText()).isEqualTo(room);
            assertThat(left.path("reason").asText()).isEqualTo("left");
            JsonNode userLeft = bob.next();
            assertThat(userLeft.path("kind").asText()).isEqualTo("USER_LEFT");
            assertThat(userLeft.path("user_id").asText()).isEqualTo(id(ada));
            assertThat(userLeft.path("reason").asText()).isEqualTo("left");
            assertThat(userLeft.has("rid")).isFalse();
            JsonNode ownerChange = bob.next();
            assertThat(ownerChange.path("kind").asText()).isEqualTo("ROOM_UPDATED");
            assertThat(ownerChange.path("room").path("owner").asText()).isEqualTo(id(bob));
            assertThat(ownerChange.path("seq").asLong()).isEqualTo(userLeft.path("seq").asLong() + 1);
            assertError(ada.request("{\"kind\":\"LEAVE_ROOM\",\"rid\":\"again\"}"), "STAT", "NOT_IN_ROOM", "again");

            bob.request("{\"kind\":\"LEAVE_ROOM\"}");
            assertError(ada.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}"), "NFND", "ROOM_NOT_FOUND",
                    null);
            assertThat(create(ada, room, "").path("seq").asLong()).as("a deleted room's id is free again").isZero();
        }
    }

    @Test
    void listRoomsShowsListedRoomsOldestFirstWithoutData() {
        try (Wire a = Wire.hello(uri, "A"); Wire b = Wire.hello(uri, "B");
                Wire c = Wire.hello(uri, "C"); Wire d = Wire.hello(uri, "D")) {
            String first = newRoomId();
            String hidden = newRoomId();
            String locked = newRoomId();
            create(a, first, ",\"data\":{\"big\":true}");
            create(b, hidden, ",\"listed\":false");
            create(c, locked, ",\"password\":\"pw\"");
            JsonNode list = d.request("{\"kind\":\"LIST_ROOMS\",\"rid\":\"ls\",\"limit\":200}");
            assertThat(list.path("kind").asText()).isEqualTo("ROOM_LIST");
            assertThat(list.path("rid").asText()).isEqualTo("ls");
            List<String> ids = list.path("rooms").findValuesAsText("id");
            assertThat(ids).contains(first, locked).doesNotContain(hidden);
            assertThat(ids.indexOf(first)).isLessThan(ids.indexOf(locked));
            List<Long> created = new ArrayList<>();
            list.path("rooms").forEach(room -> {
                assertThat(room.has("data")).isFalse();
                created.add(room.path("created_at").asLong());
            });
            assertThat(created).isSorted();
            list.path("rooms").forEach(room -> {
                if (room.path("id").asText().equals(locked)) {
                    assertThat(room.path("has_password").asBoolean()).isTrue();
                }
            });
            assertThat(d.request("{\"kind\":\"LIST_ROOMS\",\"limit\":1}").path("rooms")).hasSize(1);
            assertError(d.request("{\"kind\":\"LIST_ROOMS\",\"limit\":0}"), "BADR", "FIELD_INVALID", null);
            assertError(d.request("{\"kind\":\"LIST_ROOMS\",\"limit\":201}"), "BADR", "FIELD_INVALID", null);
        }
    }

    @Test
    void updateRoomIsForTheOwner() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            create(ada, room, ",\"password\":\"pw\"");
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\",\"password\":\"pw\"}");
            ada.next();
            assertError(bob.request("{\"kind\":\"UPDATE_ROOM\",\"rid\":\"u\",\"name\":\"Mine\"}"), "DENY", "NOT_OWNER",
                    "u");
            assertError(ada.request("{\"kind\":\"UPDATE_ROOM\",\"capacity\":1}"), "BADR", "CAPACITY_INVALID", null);
            JsonNode updated = ada.request(
                    "{\"kind\":\"UPDATE_ROOM\",\"rid\":\"u2\",\"name\":\"Renamed\",\"capacity\":2,\"password\":null,\"listed\":false}");
            assertThat(updated.path("kind").asText()).isEqualTo("ROOM_UPDATED");
            assertThat(updated.path("rid").asText()).isEqualTo("u2");
            assertThat(updated.path("room").path("name").asText()).isEqualTo("Renamed");
            assertThat(updated.path("room").path("capacity").asInt()).isEqualTo(2);
            assertThat(updated.path("room").path("has_password").asBoolean(true)).isFalse();
            assertThat(updated.path("room").path("listed").asBoolean(true)).isFalse();
            JsonNode seen = bob.next();
            assertThat(seen.has("rid")).isFalse();
            assertThat(seen.path("room")).isEqualTo(updated.path("room"));
            assertThat(seen.path("seq")).isEqualTo(updated.path("seq"));
        }
        try (Wire lonely = Wire.hello(uri, "Lonely")) {
            assertError(lonely.request("{\"kind\":\"UPDATE_ROOM\",\"name\":\"x\"}"), "STAT", "NOT_IN_ROOM", null);
        }
    }
}

package io.multistudio.room;

import static io.multistudio.room.RoomTests.create;
import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.id;
import static io.multistudio.room.RoomTests.join;
import static io.multistudio.room.RoomTests.newRoomId;
import static io.multistudio.transport.EnvelopeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * PROTOCOL.md §2.4–2.6: what happens to a room's members: kicks, messages, shared user and room data, one order
 * for every member, and replay. Run once per engine.
 */
abstract class RoomEventTests {

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void kickRemovesTheTarget() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy")) {
            gather(room, ada, bob, cy);
            assertError(bob.request("{\"kind\":\"KICK\",\"rid\":\"k\",\"user\":\"" + id(cy) + "\"}"), "DENY",
                    "NOT_OWNER", "k");
            assertError(ada.request("{\"kind\":\"KICK\",\"user\":\"" + id(ada) + "\"}"), "BADR", "FIELD_INVALID",
                    null);
            assertError(ada.request("{\"kind\":\"KICK\",\"user\":\"u_nobody\"}"), "NFND", "USER_NOT_IN_ROOM", null);
            assertError(ada.request("{\"kind\":\"KICK\"}"), "BADR", "FIELD_INVALID", null);

            JsonNode answer = ada.request("{\"kind\":\"KICK\",\"rid\":\"k2\",\"user\":\"" + id(cy) + "\"}");
            assertThat(answer.path("kind").asText()).isEqualTo("USER_LEFT");
            assertThat(answer.path("rid").asText()).isEqualTo("k2");
            assertThat(answer.path("reason").asText()).isEqualTo("kicked");
            JsonNode target = cy.next();
            assertThat(target.path("kind").asText()).isEqualTo("LEFT_ROOM");
            assertThat(target.path("reason").asText()).isEqualTo("kicked");
            assertThat(target.has("rid")).isFalse();
            JsonNode other = bob.next();
            assertThat(other.path("kind").asText()).isEqualTo("USER_LEFT");
            assertThat(other.path("user_id").asText()).isEqualTo(id(cy));
            assertThat(other.has("rid")).isFalse();
            assertError(cy.request("{\"kind\":\"SEND\",\"data\":1}"), "STAT", "NOT_IN_ROOM", null);
        }
    }

    @Test
    void sendBroadcastsAndDirectMessagesReachOnlyTheirAddressee() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy")) {
            gather(room, ada, bob, cy);

            JsonNode own = ada.request("{\"kind\":\"SEND\",\"rid\":\"s\",\"data\":{\"text\":\"hi\"}}");
            assertThat(own.path("kind").asText()).isEqualTo("MESSAGE");
            assertThat(own.path("rid").asText()).isEqualTo("s");
            assertThat(own.path("from").asText()).isEqualTo(id(ada));
            assertThat(own.path("data").path("text").asText()).isEqualTo("hi");
            assertThat(own.has("to")).isFalse();
            for (Wire other : List.of(bob, cy)) {
                JsonNode copy = other.next();
                assertThat(copy.has("rid")).isFalse();
                assertThat(copy.path("seq")).isEqualTo(own.path("seq"));
                assertThat(copy.path("data")).isEqualTo(own.path("data"));
            }

            JsonNode direct = bob.request("{\"kind\":\"SEND\",\"rid\":\"d\",\"data\":[1,\"two\"],\"to\":\"" + id(cy) + "\"}");
            assertThat(direct.path("to").asText()).isEqualTo(id(cy));
            assertThat(direct.path("rid").asText()).isEqualTo("d");
            JsonNode received = cy.next();
            assertThat(received.path("to").asText()).isEqualTo(id(cy));
            assertThat(received.has("rid")).isFalse();

            JsonNode after = ada.request("{\"kind\":\"SEND\",\"data\":null}");
            assertThat(after.path("seq").asLong()).as("ada never saw the direct message").isEqualTo(
                    direct.path("seq").asLong() + 1);
            assertError(ada.request("{\"kind\":\"SEND\",\"to\":\"u_nobody\",\"data\":1}"), "NFND",
                    "USER_NOT_IN_ROOM", null);
            assertError(ada.request("{\"kind\":\"SEND\",\"rid\":\"m\"}"), "BADR", "FIELD_INVALID", "m");
        }
        try (Wire lonely = Wire.hello(uri, "Lonely")) {
            assertError(lonely.request("{\"kind\":\"SEND\",\"rid\":\"n\",\"data\":1}"), "STAT", "NOT_IN_ROOM", "n");
            assertError(lonely.request("{\"kind\":\"SET_ROOM_DATA\",\"data\":{}}"), "STAT", "NOT_IN_ROOM", null);
            assertError(lonely.request("{\"kind\":\"KICK\",\"user\":\"u_x\"}"), "STAT", "NOT_IN_ROOM", null);
        }
    }

    @Test
    void userDataIsMergePatched() {
        String room = newRoomId();
        try (Wire ada = Wire.connect(uri); Wire bob = Wire.hello(uri, "Bob")) {
            ada.request("{\"kind\":\"HELLO\",\"name\":\"Ada\",\"data\":{\"a\":1,\"nested\":{\"x\":1,\"y\":2}}}");
            JsonNode alone = ada.request(
                    "{\"kind\":\"SET_USER_DATA\",\"rid\":\"p\",\"data\":{\"a\":null,\"b\":2,\"nested\":{\"y\":null}}}");
            assertThat(alone.path("kind").asText()).isEqualTo("USER_UPDATED");
            assertThat(alone.path("rid").asText()).isEqualTo("p");
            assertThat(alone.has("seq")).isFalse();
            assertThat(alone.path("user").path("data").toString()).isEqualTo("{\"nested\":{\"x\":1},\"b\":2}");
            assertError(ada.request("{\"kind\":\"SET_USER_DATA\",\"data\":{\"v\":\"" + "x".repeat(4100) + "\"}}"),
                    "BADR", "DATA_TOO_LARGE", null);
            assertError(ada.request("{\"kind\":\"SET_USER_DATA\",\"data\":[]}"), "BADR", "DATA_INVALID", null);

            JsonNode created = ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            assertThat(created.path("members").get(0).path("data").path("b").asInt()).isEqualTo(2);
            join(bob, room);
            ada.next();
            JsonNode inRoom = ada.request("{\"kind\":\"SET_USER_DATA\",\"rid\":\"q\",\"data\":{\"c\":3}}");
            assertThat(inRoom.path("rid").asText()).isEqualTo("q");
            assertThat(inRoom.path("room").asText()).isEqualTo(room);
            JsonNode seen = bob.next();
            assertThat(seen.path("kind").asText()).isEqualTo("USER_UPDATED");
            assertThat(seen.has("rid")).isFalse();
            assertThat(seen.path("seq")).isEqualTo(inRoom.path("seq"));
            assertThat(seen.path("user").path("data").path("c").asInt()).isEqualTo(3);
        }
    }

    @Test
    void concurrentRoomDataPatchesAreAllApplied() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy")) {
            gather(room, ada, bob, cy);
            List<Wire> members = List.of(ada, bob, cy);
            int patchesEach = 10;
            sendAtOnce(members, patchesEach,
                    (m, i) -> "{\"kind\":\"SET_ROOM_DATA\",\"data\":{\"k" + m + "_" + i + "\":" + i + "}}");
            for (Wire member : members) {
                List<JsonNode> updates = member.next(members.size() * patchesEach);
                assertThat(updates).allMatch(update -> update.path("kind").asText().equals("ROOM_UPDATED"));
                JsonNode last = updates.get(updates.size() - 1);
                assertThat(last.path("room").path("data").size()).isEqualTo(members.size() * patchesEach);
            }
            JsonNode big = ada.request("{\"kind\":\"SET_ROOM_DATA\",\"data\":{\"v\":\"" + "x".repeat(40000) + "\"}}");
            assertThat(big.path("kind").asText()).isEqualTo("ROOM_UPDATED");
            assertThat(bob.next().path("seq")).isEqualTo(big.path("seq"));
            assertThat(cy.next().path("seq")).isEqualTo(big.path("seq"));
            JsonNode refused = ada.request("{\"kind\":\"SET_ROOM_DATA\",\"data\":{\"w\":\"" + "y".repeat(30000) + "\"}}");
            assertThat(refused.path("why").asText()).as("room data over 64 KiB after the patch").isEqualTo("DATA_TOO_LARGE");
            assertThat(refused.path("kind").asText()).isEqualTo("BADR");
        }
    }

    @Test
    void everyMemberSeesTheSameOrder() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy")) {
            gather(room, ada, bob, cy);
            List<Wire> members = List.of(ada, bob, cy);
            int each = 50;
            sendAtOnce(members, each, (m, i) -> "{\"kind\":\"SEND\",\"data\":" + i + "}");
            List<List<String>> seen = new ArrayList<>();
            for (Wire member : members) {
                List<JsonNode> messages = member.next(members.size() * each);
                List<Long> seqs = messages.stream().map(m -> m.path("seq").asLong()).toList();
                assertThat(seqs).isSorted().doesNotHaveDuplicates();
                seen.add(messages.stream().map(m -> m.path("seq") + ":" + m.path("from").asText() + ":" + m.path("data"))
                        .toList());
            }
            assertThat(seen.get(1)).isEqualTo(seen.get(0));
            assertThat(seen.get(2)).isEqualTo(seen.get(0));
        }
    }

    @Test
    void aDroppedMemberResumesWithEveryMissedEventExactlyOnce() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada")) {
            create(ada, room, "");
            Wire bob = Wire.hello(uri, "Bob");
            long lastSeq = join(bob, room).path("seq").asLong();
            ada.next();
            bob.drop();
            JsonNode away = ada.next();
            assertThat(away.path("kind").asText()).isEqualTo("USER_AWAY");
            assertThat(away.path("user_id").asText()).isEqualTo(id(bob));

            List<JsonNode> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(ada.request("{\"kind\":\"SEND\",\"data\":{\"n\":" + i + "}}"));
            }
            try (Wire back = Wire.connect(uri)) {
                JsonNode hello = back.request("{\"kind\":\"HELLO\",\"rid\":\"r\",\"reconnect_token\":"
                        + bob.helloAnswer().get("reconnect_token") + ",\"last_seq\":" + lastSeq + "}");
                assertThat(hello.path("reconnected").asBoolean()).isTrue();
                JsonNode rejoined = back.next();
                assertThat(rejoined.path("kind").asText()).isEqualTo("JOINED_ROOM");
                assertThat(rejoined.path("rid").asText()).isEqualTo("r");
                assertThat(rejoined.path("resumed").asBoolean()).isTrue();
                assertThat(rejoined.path("recovered").asBoolean()).isTrue();
                List<JsonNode> replayed = back.next(20);
                for (int i = 0; i < 20; i++) {
                    assertThat(replayed.get(i).path("kind").asText()).isEqualTo("MESSAGE");
                    assertThat(replayed.get(i).path("seq")).isEqualTo(sent.get(i).path("seq"));
                    assertThat(replayed.get(i).path("data").path("n").asInt()).isEqualTo(i);
                    assertThat(replayed.get(i).has("rid")).isFalse();
                }
                JsonNode userBack = ada.next();
                assertThat(userBack.path("kind").asText()).isEqualTo("USER_BACK");
                assertThat(userBack.path("user_id").asText()).isEqualTo(id(bob));
                JsonNode live = ada.request("{\"kind\":\"SEND\",\"data\":\"live\"}");
                JsonNode liveCopy = back.next();
                assertThat(liveCopy.path("seq")).isEqualTo(live.path("seq"));
                assertThat(back.pending()).isZero();
            }
        }
    }

    @Test
    void byeInARoomLeavesIt() {
        String room = newRoomId();
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(room, ada, bob);
            bob.request("{\"kind\":\"BYE\"}");
            JsonNode left = ada.next();
            assertThat(left.path("kind").asText()).isEqualTo("USER_LEFT");
            assertThat(left.path("user_id").asText()).isEqualTo(id(bob));
            assertThat(left.path("reason").asText()).isEqualTo("left");
        }
    }

    /**
     * Each member sends {@code each} requests from a thread of its own, all at once: member {@code m}'s {@code i}th
     * is {@code request(m, i)}.
     */
    private static void sendAtOnce(List<Wire> members, int each, BiFunction<Integer, Integer, String> request) {
        CompletableFuture.allOf(IntStream.range(0, members.size()).mapToObj(m -> CompletableFuture.runAsync(() -> {
            for (int i = 0; i < each; i++) {
                members.get(m).send(request.apply(m, i));
            }
        })).toArray(CompletableFuture[]::new)).join();
    }
}

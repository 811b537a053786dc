package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Why;
import io.multistudio.session.Session;

/** The room rules as plain functions, without a store or a server. */
class RoomCommandsTest {

    private static final Actor ADA = new Actor("u_ada", "node/ada", "r1");
    private static final Actor BOB = new Actor("u_bob", "node/bob", "r2");

    private final RoomCommands commands = new RoomCommands(new Codec(), new MergePatch());

    @Test
    void aNewRoomHasItsCreatorAsOwnerAndOnlyMember() {
        Room room = commands.create(ADA, "Ada", new RoomRequests.Create("lobby", null, null, null, true, null), 10);
        assertThat(room.id()).isEqualTo("lobby");
        assertThat(room.name()).isEqualTo("lobby");
        assertThat(room.owner()).isEqualTo("u_ada");
        assertThat(room.capacity()).isEqualTo(10);
        assertThat(room.seq()).isZero();
        assertThat(room.members()).extracting(Room.RoomMember::userId).containsExactly("u_ada");
        assertThat(commands.create(ADA, "Ada", new RoomRequests.Create(null, null, null, null, true, null), 1000).capacity())
                .isEqualTo(RoomRequests.DEFAULT_CAPACITY);
    }

    @Test
    void roomDataHasASizeLimit() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("big", "x".repeat(RoomCommands.MAX_ROOM_DATA_BYTES));
        assertThatThrownBy(() -> commands.create(ADA, "Ada", new RoomRequests.Create("r", null, null, null, true, data), 10))
                .satisfies(failure -> assertWhy(failure, Why.DATA_TOO_LARGE));
    }

    @Test
    void joiningTellsTheRoomAtTheSeqItIsCommittedAt() {
        Room room = lobby(null, 2);
        RoomCommand join = commands.join(BOB, session("u_bob"), new RoomRequests.Join("lobby", null));
        Room after = join.apply(room);
        assertThat(after.members()).extracting(Room.RoomMember::userId).containsExactly("u_ada", "u_bob");
        List<RoomEvent> events = at(join.events(room, after), after, 7);
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(RoomEvent.USER_JOINED);
            assertThat(event.seq()).isEqualTo(7);
            assertThat(event.text()).contains("\"seq\":7");
            assertThat(event.subject()).isEqualTo("u_bob");
            assertThat(event.origin()).isEqualTo("node/bob");
            assertThat(event.visibleTo("u_bob")).isFalse();
            assertThat(event.visibleTo("u_ada")).isTrue();
        });
    }

    @Test
    void joiningIsRefusedForAMissingFullOrLockedRoom() {
        RoomRequests.Join join = new RoomRequests.Join("lobby", "wrong");
        assertThatThrownBy(() -> commands.join(BOB, session("u_bob"), join).apply(null))
                .satisfies(failure -> assertWhy(failure, Why.ROOM_NOT_FOUND));
        assertThatThrownBy(() -> commands.join(BOB, session("u_bob"), join).apply(lobby(null, 1)))
                .satisfies(failure -> assertWhy(failure, Why.ROOM_FULL));
        assertThatThrownBy(() -> commands.join(BOB, session("u_bob"), join).apply(lobby("secret", 2)))
                .satisfies(failure -> assertWhy(failure, Why.PASSWORD_WRONG));
        Room locked = lobby("secret", 2);
        assertThat(commands.join(BOB, session("u_bob"), new RoomRequests.Join("lobby", "secret")).apply(locked)
                .hasMember("u_bob")).isTrue();
    }

    @Test
    void theOwnerLeavingHandsTheRoomOverWithASecondEvent() {
        Room room = withBob(lobby(null, 4));
        RoomCommand leave = commands.leave("u_ada", ADA, "left");
        Room after = leave.apply(room);
        assertThat(after.owner()).isEqualTo("u_bob");
        assertThat(at(leave.events(room, after), after, 5)).extracting(RoomEvent::type, RoomEvent::seq)
                .containsExactly(tuple(RoomEvent.USER_LEFT, 5L), tuple("ROOM_UPDATED", 6L));
        assertThat(at(leave.events(room, after), after, 5).get(0).removes("u_ada")).isTrue();
    }

    @Test
    void theLastMemberLeavingDeletesTheRoomAndANonMemberChangesNothing() {
        Room room = lobby(null, 4);
        assertThat(commands.leave("u_ada", ADA, "left").apply(room)).isNull();
        assertThat(commands.leave("u_bob", ADA, "kicked").apply(room)).isSameAs(room);
    }

    @Test
    void onlyTheOwnerUpdatesAndNeverBelowTheMembers() {
        Room room = withBob(lobby(null, 4));
        RoomRequests.Update shrink = new RoomRequests.Update(null, 1, null, false, null);
        assertThatThrownBy(() -> commands.update(BOB, shrink).apply(room))
                .satisfies(failure -> assertWhy(failure, Why.NOT_OWNER));
        assertThatThrownBy(() -> commands.update(ADA, shrink).apply(room))
                .satisfies(failure -> assertWhy(failure, Why.CAPACITY_INVALID));
        assertThatThrownBy(() -> commands.update(new Actor("u_eve", null, null), shrink).apply(room))
                .satisfies(failure -> assertWhy(failure, Why.NOT_IN_ROOM));
        Room renamed = commands.update(ADA, new RoomRequests.Update("Hall", null, null, false, false)).apply(room);
        assertThat(renamed.name()).isEqualTo("Hall");
        assertThat(renamed.listed()).isFalse();
        assertThat(renamed.capacity()).isEqualTo(4);
    }

    @Test
    void aDirectMessageGoesToItsAddresseeAndItsSenderOnly() {
        Room room = withBob(lobby(null, 4));
        RoomNotice send = commands.send(ADA, new RoomRequests.Send(TextNode.valueOf("hi"), "u_bob"));
        assertThat(send.admits().test(room)).isTrue();
        RoomEvent message = send.event().apply(room, 3L);
        assertThat(message.seq()).isEqualTo(3);
        assertThat(message.from()).isEqualTo("u_ada");
        assertThat(message.visibleTo("u_bob")).isTrue();
        assertThat(message.visibleTo("u_ada")).isTrue();
        assertThat(message.visibleTo("u_eve")).isFalse();
        assertThatThrownBy(() -> commands.send(ADA, new RoomRequests.Send(TextNode.valueOf("hi"), "u_eve")).admits()
                .test(room)).satisfies(failure -> assertWhy(failure, Why.USER_NOT_IN_ROOM));
        assertThatThrownBy(() -> send.admits().test(room.after(at(commands.leave("u_ada", BOB, "kicked")
                .events(room, null), room, 4).get(0)))).satisfies(failure -> assertWhy(failure, Why.NOT_IN_ROOM));
    }

    @Test
    void roomDataIsMergedWithinItsLimit() {
        Room room = lobby(null, 4);
        ObjectNode patch = JsonNodeFactory.instance.objectNode().put("topic", "chess");
        assertThat(commands.setData(ADA, patch).apply(room).data().path("topic").asText()).isEqualTo("chess");
        ObjectNode huge = JsonNodeFactory.instance.objectNode().put("big", "x".repeat(RoomCommands.MAX_ROOM_DATA_BYTES));
        assertThatThrownBy(() -> commands.setData(ADA, huge).apply(room))
                .satisfies(failure -> assertWhy(failure, Why.DATA_TOO_LARGE));
    }

    @Test
    void onlyTheOwnerKicksAMemberOtherThanItself() {
        Room room = withBob(lobby(null, 4));
        commands.checkKick(room, ADA, "u_bob");
        assertThatThrownBy(() -> commands.checkKick(room, BOB, "u_ada"))
                .satisfies(failure -> assertWhy(failure, Why.NOT_OWNER));
        assertThatThrownBy(() -> commands.checkKick(room, ADA, "u_eve"))
                .satisfies(failure -> assertWhy(failure, Why.USER_NOT_IN_ROOM));
        assertThatThrownBy(() -> commands.checkKick(null, ADA, "u_bob"))
                .satisfies(failure -> assertWhy(failure, Why.NOT_IN_ROOM));
    }

    @Test
    void closingTellsEveryMemberItLeft() {
        Room room = withBob(lobby(null, 4));
        RoomCommand close = commands.close();
        assertThat(close.apply(room)).isNull();
        RoomEvent closed = at(close.events(room, null), room, 9).get(0);
        assertThat(closed.seq()).isEqualTo(9);
        assertThat(room.after(closed)).isNull();
        assertThat(closed.removes("u_ada")).isTrue();
        assertThat(closed.removes("u_bob")).isTrue();
    }

    @Test
    void presenceOfAFormerMemberIsNoEvent() {
        Room room = lobby(null, 4);
        assertThat(commands.presence(RoomEvent.USER_AWAY, session("u_bob"), null).admits().test(room)).isFalse();
        RoomNotice away = commands.presence(RoomEvent.USER_AWAY, session("u_ada"), null);
        assertThat(away.admits().test(room)).isTrue();
        assertThat(away.event().apply(room, 2L).visibleTo("u_ada")).isFalse();
    }

    @Test
    void aFollowedRoomKeepsItsMembersFromTheEvents() {
        Room room = lobby(null, 4);
        Room joined = room.after(at(commands.join(BOB, session("u_bob"), new RoomRequests.Join("lobby", null))
                .events(room, withBob(room)), room, 4).get(0));
        assertThat(joined.members()).extracting(Room.RoomMember::userId).containsExactly("u_ada", "u_bob");
        assertThat(joined.seq()).isEqualTo(4);
        Room left = joined.after(at(commands.leave("u_ada", ADA, "left").events(joined, null), joined, 5).get(0));
        assertThat(left.members()).extracting(Room.RoomMember::userId).containsExactly("u_bob");
        assertThat(left.after(at(commands.leave("u_bob", BOB, "left").events(left, null), left, 6).get(0))).isNull();
    }

    /** The drafts committed from {@code seq} on, one seq each, with {@code now} the room's newest record. */
    private static List<RoomEvent> at(List<RoomNotice.Draft> drafts, Room now, long seq) {
        return IntStream.range(0, drafts.size()).mapToObj(i -> drafts.get(i).at(RoomViews.View.of(now), seq + i))
                .toList();
    }

    private Room lobby(String password, int capacity) {
        return commands.create(ADA, "Ada", new RoomRequests.Create("lobby", null, capacity, password, true, null), 10);
    }

    private Room withBob(Room room) {
        return commands.join(BOB, session("u_bob"), new RoomRequests.Join("lobby", null)).apply(room);
    }

    private static Session session(String id) {
        return new Session(id, id, JsonNodeFactory.instance.objectNode(), "hash", "node/" + id, null, 0, 1);
    }

    private static void assertWhy(Throwable failure, Why why) {
        assertThat(failure).isInstanceOf(ProtocolException.class);
        assertThat(((ProtocolException) failure).why()).isEqualTo(why);
    }
}

package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.protocol.Why;
import io.multistudio.backend.Outbox;
import io.multistudio.backend.Webhooks;
import io.multistudio.session.HelloRequest;
import io.multistudio.session.Session;
import io.multistudio.session.SessionService;
import io.multistudio.testsupport.TestConfig;
import io.smallrye.mutiny.Uni;

/** Who is in which room, over the memory engine and without a server: the room's members and the session agree. */
class MembershipTest {

    private final MemoryEngine engine = new MemoryEngine();
    private final MultiStudioConfig config = TestConfig.with();
    private final SessionService sessions = new SessionService(engine, config);
    private final List<RoomEvent> published = new CopyOnWriteArrayList<>();
    private final RoomCommands commands = new RoomCommands(new Codec(), new MergePatch());
    private final SeqHeads heads = new SeqHeads(engine);
    private final RoomViews views = new RoomViews(new Codec());
    private final Rooms rooms = new Rooms(engine, sessions, new RoomLog(engine, published::add, config, heads,
            new ServerMetrics(new SimpleMeterRegistry()), views),
            commands, new Codec(), heads, published::add, new RoomIndex(engine), views);
    private final Membership membership = new Membership(rooms, commands, sessions, config,
            new Webhooks(new Outbox(engine, config, new Codec()), sessions));

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void enteringRecordsTheUserInTheRoomAndTheRoomInTheSession() {
        Actor ada = user("Ada");
        Actor bob = user("Bob");
        await(membership.create(ada, create("lobby", 2)));
        Entered entered = await(membership.join(bob, new RoomRequests.Join("lobby", null)));

        assertThat(entered.members()).extracting(member -> member.id()).containsExactly(ada.userId(), bob.userId());
        assertThat(room("lobby").members()).extracting(Room.RoomMember::userId)
                .containsExactly(ada.userId(), bob.userId());
        assertThat(session(ada).room()).isEqualTo("lobby");
        assertThat(session(bob).room()).isEqualTo("lobby");
        assertThat(committed()).extracting(RoomEvent::type).containsExactly(RoomEvent.USER_JOINED);
    }

    @Test
    void aRefusedEntryLeavesTheSessionOutsideEveryRoom() {
        Actor ada = user("Ada");
        Actor bob = user("Bob");
        Actor eve = user("Eve");
        await(membership.create(ada, create("lobby", 1)));

        assertRefused(membership.join(bob, new RoomRequests.Join("lobby", null)), Why.ROOM_FULL);
        assertRefused(membership.join(bob, new RoomRequests.Join("nowhere", null)), Why.ROOM_NOT_FOUND);
        assertRefused(membership.create(eve, create("lobby", 4)), Why.ROOM_ID_TAKEN);
        assertThat(session(bob).room()).isNull();
        assertThat(session(eve).room()).isNull();
        assertThat(room("lobby").members()).extracting(Room.RoomMember::userId).containsExactly(ada.userId());

        assertRefused(membership.create(ada, create("second", 4)), Why.ALREADY_IN_ROOM);
        assertThat(room("second")).isNull();
    }

    @Test
    void leavingAndKicksClearBothRecordsAndTheLastOneOutDeletesTheRoom() {
        Actor ada = user("Ada");
        Actor bob = user("Bob");
        Actor eve = user("Eve");
        await(membership.create(ada, create("lobby", 4)));
        await(membership.join(bob, new RoomRequests.Join("lobby", null)));
        await(membership.join(eve, new RoomRequests.Join("lobby", null)));

        assertRefused(membership.kick(bob, "lobby", eve.userId()), Why.NOT_OWNER);
        await(membership.kick(ada, "lobby", eve.userId()));
        assertThat(session(eve).room()).isNull();
        await(membership.leave(ada, "lobby", "left"));
        assertThat(session(ada).room()).isNull();
        assertThat(room("lobby").owner()).isEqualTo(bob.userId());
        await(membership.leave(bob, "lobby", "left"));

        assertThat(room("lobby")).isNull();
        assertThat(session(bob).room()).isNull();
        assertThat(committed()).filteredOn(event -> RoomEvent.USER_LEFT.equals(event.type()))
                .extracting(RoomEvent::subject, RoomEvent::reason)
                .containsExactly(tuple(eve.userId(), "kicked"),
                        tuple(ada.userId(), "left"),
                        tuple(bob.userId(), "left"));
    }

    @Test
    void closingTakesEveryMemberOut() {
        Actor ada = user("Ada");
        Actor bob = user("Bob");
        await(membership.create(ada, create("lobby", 4)));
        await(membership.join(bob, new RoomRequests.Join("lobby", null)));

        assertThat(await(membership.close("lobby"))).isTrue();
        assertThat(await(membership.close("lobby"))).isFalse();
        assertThat(room("lobby")).isNull();
        assertThat(session(ada).room()).isNull();
        assertThat(session(bob).room()).isNull();
        assertThat(committed()).last().satisfies(event -> assertThat(event.removes(bob.userId())).isTrue());
    }

    @Test
    void listingReadsTheIndexOfListedRoomsWhichFollowsEveryChange() {
        await(membership.create(user("Eve"), new RoomRequests.Create("hidden", null, 4, null, false, null)));
        Actor ada = user("Ada");
        await(membership.create(ada, create("lobby", 4)));
        Actor bob = user("Bob");
        await(membership.join(bob, new RoomRequests.Join("lobby", null)));

        assertThat(await(rooms.list(10))).extracting(ServerMessage.MultiRoom::id, ServerMessage.MultiRoom::memberCount,
                ServerMessage.MultiRoom::data).containsExactly(tuple("lobby", 2, null));
        await(rooms.update(ada, "lobby", new RoomRequests.Update("Hall", null, null, false, false)));
        assertThat(await(rooms.list(10))).isEmpty();
        await(rooms.update(ada, "lobby", new RoomRequests.Update(null, null, null, false, true)));
        assertThat(await(rooms.list(10))).extracting(ServerMessage.MultiRoom::name).containsExactly("Hall");
        await(membership.leave(bob, "lobby", "left"));
        assertThat(await(rooms.list(10))).extracting(ServerMessage.MultiRoom::memberCount).containsExactly(1);
        await(membership.leave(ada, "lobby", "left"));
        assertThat(await(rooms.list(10))).isEmpty();
    }

    /** Each event once: a node hears of its own commits both directly and through the history. */
    private List<RoomEvent> committed() {
        return published.stream().distinct().toList();
    }

    private Actor user(String name) {
        HelloRequest hello = new HelloRequest(name, null, null, null, null, null);
        Session session = await(sessions.open("node/" + name, hello, null)).session();
        return new Actor(session.id(), "node/" + name, "rid-" + name);
    }

    private Session session(Actor actor) {
        return await(sessions.getAll(Set.of(actor.userId()))).get(actor.userId());
    }

    private Room room(String id) {
        return await(rooms.get(id));
    }

    private static RoomRequests.Create create(String id, int capacity) {
        return new RoomRequests.Create(id, null, capacity, null, true, null);
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static void assertRefused(Uni<?> uni, Why why) {
        assertThatThrownBy(() -> await(uni)).isInstanceOfSatisfying(ProtocolException.class,
                failure -> assertThat(failure.why()).isEqualTo(why));
    }
}

package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.session.SessionService;
import io.multistudio.testsupport.TestConfig;
import io.smallrye.mutiny.Uni;

/**
 * Changes of the stored room and their events, over the memory engine and without a server: whatever order two
 * changes made at once take their seqs in, on one node or two, the last event shows the room as both left it.
 */
class RoomsTest {

    private final MemoryEngine engine = new MemoryEngine();
    private final MultiStudioConfig config = TestConfig.with();
    private final RoomCommands commands = new RoomCommands(new Codec(), new MergePatch());
    private final Actor ada = new Actor("u_ada", "node/ada", null);

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void theChangeStoredFirstButSequencedLastShowsTheRoomAsTheLaterChangeLeftIt() throws Exception {
        Rooms node = node();
        assertStoredFirstSequencedLastShowsBoth(node, node);
    }

    @Test
    void soDoesAChangeOnAnotherNodeWhichHeardTheLaterOne() throws Exception {
        assertStoredFirstSequencedLastShowsBoth(node(), node());
    }

    @Test
    void viewsKeepTheHighestRevOfAFewHundredRooms() {
        RoomViews views = new RoomViews(new Codec());
        Room room = lobby("lobby");
        Room later = room.withData(patch("a")).replacing(room, 0);
        views.stored(later);
        views.stored(room);
        assertThat(views.of(room).rev()).isEqualTo(later.rev());
        assertThat(views.of(room).room().data().has("a")).isTrue();
        for (int i = 0; i < RoomViews.KEPT; i++) {
            Room other = lobby("r" + i);
            views.stored(other.replacing(other, 0));
        }
        assertThat(views.of(room).rev()).as("forgotten past the bound").isEqualTo(room.rev());
        views.stored(later);
        views.ended(room.instance());
        assertThat(views.of(room).rev()).isEqualTo(room.rev());
    }

    /**
     * {@code first} stores a change, then {@code second} stores one on top of it and commits it before the first
     * commits its own, which so takes the later seq.
     */
    private void assertStoredFirstSequencedLastShowsBoth(Rooms first, Rooms second) throws Exception {
        assertThat(await(first.putIfAbsent(lobby("lobby")))).isTrue();
        RoomCommand a = commands.setData(ada, patch("a"));
        RoomCommand b = commands.setData(ada, patch("b"));
        SharedMap.Change<Room> storedFirst = await(first.apply("lobby", a));
        SharedMap.Change<Room> storedSecond = await(second.apply("lobby", b));
        RoomEvent sequencedFirst = await(second.commit(b, storedSecond)).first();
        RoomEvent sequencedLast = await(first.commit(a, storedFirst)).first();

        assertThat(storedSecond.after().rev()).isEqualTo(storedFirst.after().rev() + 1);
        assertThat(sequencedLast.seq()).isGreaterThan(sequencedFirst.seq());
        assertThat(data(sequencedFirst)).containsExactlyInAnyOrder("a", "b");
        assertThat(data(sequencedLast)).as("the event members keep shows both changes")
                .containsExactlyInAnyOrder("a", "b");
        assertThat(sequencedLast.rev()).isEqualTo(storedSecond.after().rev());
        assertThat(data(sequencedLast)).isEqualTo(fields(await(first.get("lobby")).data()));
    }

    /** One node's view of the rooms: its own seq heads and views, the store shared. */
    private Rooms node() {
        SeqHeads heads = new SeqHeads(engine);
        RoomViews views = new RoomViews(new Codec());
        return new Rooms(engine, new SessionService(engine, config), new RoomLog(engine, event -> {
        }, config, heads, new ServerMetrics(new SimpleMeterRegistry()), views), commands, new Codec(), heads,
                event -> {
                }, new RoomIndex(engine), views);
    }

    private Room lobby(String id) {
        return commands.create(ada, "Ada", new RoomRequests.Create(id, null, 4, null, true, null), 10);
    }

    private static ObjectNode patch(String key) {
        return JsonNodeFactory.instance.objectNode().put(key, 1);
    }

    private static List<String> data(RoomEvent event) throws Exception {
        JsonNode text = new ObjectMapper().readTree(event.text());
        assertThat(text.path("kind").asText()).isEqualTo("ROOM_UPDATED");
        return fields(text.path("room").path("data"));
    }

    private static List<String> fields(JsonNode data) {
        List<String> names = new ArrayList<>();
        data.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }
}

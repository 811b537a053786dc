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
 * changes made at once take their seqs in, the last event shows the room as both left it.
 */
class RoomsTest {

    private final MemoryEngine engine = new MemoryEngine();
    private final MultiStudioConfig config = TestConfig.with();
    private final RoomCommands commands = new RoomCommands(new Codec(), new MergePatch());
    private final SeqHeads heads = new SeqHeads(engine);
    private final Rooms rooms = new Rooms(engine, new SessionService(engine, config),
            new RoomLog(engine, event -> {
            }, config, heads, new ServerMetrics(new SimpleMeterRegistry())),
            commands, new Codec(), heads, event -> {
            }, new RoomIndex(engine));
    private final Actor ada = new Actor("u_ada", "node/ada", null);

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void theChangeStoredFirstButSequencedLastShowsTheRoomAsTheLaterChangeLeftIt() throws Exception {
        assertThat(await(rooms.putIfAbsent(commands.create(ada, "Ada",
                new RoomRequests.Create("lobby", null, 4, null, true, null), 10)))).isTrue();
        RoomCommand first = commands.setData(ada, patch("a"));
        RoomCommand second = commands.setData(ada, patch("b"));
        // The store applies the first change, then the second, whose event takes its seq before the first's does.
        SharedMap.Change<Room> storedFirst = await(rooms.apply("lobby", first));
        SharedMap.Change<Room> storedSecond = await(rooms.apply("lobby", second));
        RoomEvent sequencedFirst = await(rooms.commit(second, storedSecond)).first();
        RoomEvent sequencedLast = await(rooms.commit(first, storedFirst)).first();

        assertThat(storedSecond.after().rev()).isEqualTo(storedFirst.after().rev() + 1);
        assertThat(sequencedLast.seq()).isGreaterThan(sequencedFirst.seq());
        assertThat(data(sequencedFirst)).containsExactlyInAnyOrder("a", "b");
        assertThat(data(sequencedLast)).as("the event members keep shows both changes")
                .containsExactlyInAnyOrder("a", "b");
        assertThat(data(sequencedLast)).isEqualTo(fields(await(rooms.get("lobby")).data()));
    }

    @Test
    void newestRecordsKeepTheHighestRevOfAFewHundredRooms() {
        NewestRecords newest = new NewestRecords();
        Room room = commands.create(ada, "Ada", new RoomRequests.Create("lobby", null, 4, null, true, null), 10);
        Room later = room.withData(patch("a")).replacing(room, 0);
        newest.stored(later);
        newest.stored(room);
        assertThat(newest.of(room)).isSameAs(later);
        for (int i = 0; i < NewestRecords.KEPT; i++) {
            Room other = commands.create(ada, "Ada", new RoomRequests.Create("r" + i, null, 4, null, true, null), 10);
            newest.stored(other.replacing(other, 0));
        }
        assertThat(newest.of(room)).as("forgotten past the bound").isSameAs(room);
        newest.stored(later);
        newest.ended(room.instance());
        assertThat(newest.of(room)).isSameAs(room);
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

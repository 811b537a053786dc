package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.testsupport.TestConfig;

/**
 * A room's history is bounded in bytes as well as in events, off the request path: over the memory engine and
 * without a server. An event pushed out by the bytes bound resumes like one past the count: not recovered.
 */
class HistoryBoundTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KILOBYTE = "x".repeat(1000);

    private final MemoryEngine engine = new MemoryEngine();
    private final RoomCommands commands = new RoomCommands(new Codec(), new MergePatch());
    private final Actor ada = new Actor("u_ada", "n1/ada", null);
    private final Room room = commands.create(ada, "Ada",
            new RoomRequests.Create("lobby", null, 4, null, true, null), 10);

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void theOldestEventsPastTheBytesBoundAreRemovedAndTheirReplayIsNotRecovered() {
        RoomLog log = log(TestConfig.with("multistudio.room-history-bytes=3500"));
        for (int i = 0; i < 10; i++) {
            log.commit(room, message()).await().atMost(WAIT);
        }
        assertThat(log.events(room.instance(), 1, 10).await().atMost(WAIT)).hasSize(10);

        log.trim().await().atMost(WAIT);

        // About 1 KB each: the three newest fit in 3,500 bytes, the fourth does not.
        assertThat(log.events(room.instance(), 1, 10).await().atMost(WAIT)).extracting(RoomEvent::seq)
                .containsExactly(8L, 9L, 10L);
        assertThat(log.replay(room, 2, "u_bob").await().atMost(WAIT).complete()).isFalse();
        Replay recent = log.replay(room, 8, "u_bob").await().atMost(WAIT);
        assertThat(recent.complete()).isTrue();
        assertThat(recent.events()).extracting(RoomEvent::seq).containsExactly(9L, 10L);
    }

    @Test
    void theCountBoundStillAppliesWhenTheBytesFit() {
        RoomLog log = log(TestConfig.with("multistudio.room-history=4"));
        for (int i = 0; i < 10; i++) {
            log.commit(room, message()).await().atMost(WAIT);
        }

        log.trim().await().atMost(WAIT);

        assertThat(log.events(room.instance(), 1, 10).await().atMost(WAIT)).extracting(RoomEvent::seq)
                .containsExactly(7L, 8L, 9L, 10L);
        assertThat(log.replay(room, 5, "u_bob").await().atMost(WAIT).complete()).isFalse();
    }

    @Test
    void aPassThatRemovesThousandsOfEventsAtOnceCompletes() {
        RoomLog log = log(TestConfig.with("multistudio.room-history=10"));
        for (int i = 0; i < 5_000; i++) {
            log.commit(room, small()).await().atMost(WAIT);
        }

        log.trim().await().atMost(WAIT);

        assertThat(log.events(room.instance(), 1, 5_000).await().atMost(WAIT)).extracting(RoomEvent::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(4_991, 5_000).boxed().toList());
    }

    @Test
    void aPassOverThousandsOfRoomsCompletes() {
        RoomLog log = log(TestConfig.with("multistudio.room-history=1"));
        List<Room> rooms = IntStream.range(0, 5_000).mapToObj(i -> commands.create(ada, "Ada",
                new RoomRequests.Create("room-" + i, null, 4, null, true, null), 10)).toList();
        for (Room each : rooms) {
            log.commit(each, message()).await().atMost(WAIT);
            log.commit(each, message()).await().atMost(WAIT);
        }

        log.trim().await().atMost(WAIT);

        for (Room each : List.of(rooms.get(0), rooms.get(rooms.size() - 1))) {
            assertThat(log.events(each.instance(), 1, 2).await().atMost(WAIT)).extracting(RoomEvent::seq)
                    .containsExactly(2L);
        }
    }

    private RoomLog log(MultiStudioConfig config) {
        return new RoomLog(engine, event -> {
        }, config, new SeqHeads(engine), new ServerMetrics(new SimpleMeterRegistry()), new RoomViews(new Codec()));
    }

    private RoomNotice small() {
        return commands.send(ada, new RoomRequests.Send(TextNode.valueOf("x"), null));
    }

    private RoomNotice message() {
        return commands.send(ada, new RoomRequests.Send(TextNode.valueOf(KILOBYTE), null));
    }
}

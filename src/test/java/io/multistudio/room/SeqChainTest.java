package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Why;
import io.multistudio.session.Session;
import io.multistudio.testsupport.TestConfig;
import io.smallrye.mutiny.Uni;

/**
 * Events take their seq by claiming it in the history, in one store call: over the memory engine and without a
 * server, two nodes (each with its own idea of the latest seq) committing at once into one room.
 */
class SeqChainTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final MemoryEngine engine = new MemoryEngine();
    private final MultiStudioConfig config = TestConfig.with();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ServerMetrics metrics = new ServerMetrics(registry);
    private final RoomCommands commands = new RoomCommands(new Codec(), new MergePatch());
    private final Actor ada = new Actor("u_ada", "n1/ada", null);
    private final Actor bob = new Actor("u_bob", "n2/bob", null);
    private final Room room = commands.join(bob, session("u_bob"), new RoomRequests.Join("lobby", null))
            .apply(commands.create(ada, "Ada", new RoomRequests.Create("lobby", null, 4, null, true, null), 10));

    /** Mutiny sets up context propagation on its first decorated call: once, before the threads race to. */
    @BeforeAll
    static void setUpContextPropagation() {
        Uni.createFrom().item(() -> 1).await().atMost(WAIT);
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void concurrentEventsOnTwoNodesGetEverySeqOnceWithoutGaps() throws Exception {
        Map<Long, String> seen = new ConcurrentHashMap<>();
        RoomLog first = node(seen);
        RoomLog second = node(seen);
        int each = 400;
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<RoomEvent>>> sent = new ArrayList<>();
            for (RoomLog node : List.of(first, second, first, second)) {
                sent.add(senders.submit(() -> {
                    List<RoomEvent> committed = new ArrayList<>();
                    for (int i = 0; i < each / 2; i++) {
                        Actor sender = new Actor(ada.userId(), ada.connection(), UUID.randomUUID().toString());
                        committed.add(node.commit(room, send(sender)).await().atMost(WAIT));
                    }
                    return committed;
                }));
            }
            Set<Long> seqs = ConcurrentHashMap.newKeySet();
            for (Future<List<RoomEvent>> future : sent) {
                future.get().forEach(event -> assertThat(seqs.add(event.seq())).as("seq %d once", event.seq()).isTrue());
            }
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 2L * each).boxed().toList());
            // Every committed event is the one the history holds under its seq.
            assertThat(first.events(room.instance(), 1, 2L * each).await().atMost(WAIT))
                    .extracting(RoomEvent::seq).containsExactlyElementsOf(seqs.stream().sorted().toList());
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void anEventThatLosesItsSeqToARemovalOfItsSenderIsRefused() {
        // The removal is committed before this node listens, so the node still believes the seq free.
        RoomEvent left = commands.leave("u_ada", bob, "kicked").events(room, null).get(0).at(RoomViews.View.of(room), 1);
        engine.map("history", RoomEvent.class, event -> config.reconnectGrace(), Engine.Expiry.SILENT)
                .claim(room.instance() + ":1", left).await().atMost(WAIT);
        SeqHeads heads = new SeqHeads(engine);
        heads.saw(room.instance(), 0);
        RoomLog stale = undelivered(heads);

        assertThatThrownBy(() -> stale.commit(room, send(ada)).await().atMost(WAIT))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.why()).isEqualTo(Why.NOT_IN_ROOM));
        // Bob, still a member, takes the next seq.
        assertThat(stale.commit(room, send(bob)).await().atMost(WAIT).seq()).isEqualTo(2);
    }

    @Test
    void aNodeFarBehindARoomItFollowsCatchesUpInAFewLostSeqsAndHandsOnWhatItLearned() {
        // 100 events committed where this node did not hear them (as when its listener lags): one lost seq each
        // would take 100 tries, past the cap of 24.
        SharedMap<RoomEvent> history = engine.map("history", RoomEvent.class, event -> config.reconnectGrace(),
                Engine.Expiry.SILENT);
        for (long seq = 1; seq <= 100; seq++) {
            history.claim(room.instance() + ":" + seq, commands.send(bob, new RoomRequests.Send(TextNode.valueOf("x"),
                    null)).event().apply(room, seq)).await().atMost(WAIT);
        }
        SeqHeads heads = new SeqHeads(engine);
        heads.saw(room.instance(), 0);
        Map<Long, String> handedOn = new ConcurrentHashMap<>();
        RoomLog behind = new RoomLog(engine, event -> handedOn.put(event.seq(), event.text()), config, heads,
                metrics, new RoomViews(new Codec()));

        assertThat(behind.commit(room, send(ada)).await().atMost(WAIT).seq()).isEqualTo(101);
        assertThat(handedOn.keySet()).containsAll(LongStream.rangeClosed(1, 101).boxed().toList());
        double lost = registry.get("multistudio.store.retries").tag("operation", "seq").counter().count();
        assertThat(lost).isBetween(1.0, (double) RoomLog.SEQ_ATTEMPTS - 1);
    }

    @Test
    void aNodeThatDidNotFollowTheRoomFindsItsLatestSeq() {
        committedElsewhere(300);
        RoomLog late = undelivered(new SeqHeads(engine));

        assertThat(late.commit(room, send(bob)).await().atMost(WAIT).seq()).isEqualTo(301);
    }

    /** {@code count} messages of Ada's, committed by a node of their own. */
    private void committedElsewhere(int count) {
        RoomLog elsewhere = node(new ConcurrentHashMap<>());
        for (int i = 0; i < count; i++) {
            elsewhere.commit(room, send(ada)).await().atMost(WAIT);
        }
    }

    /** A node with {@code heads} and no member to deliver to. */
    private RoomLog undelivered(SeqHeads heads) {
        return new RoomLog(engine, event -> {
        }, config, heads, metrics, new RoomViews(new Codec()));
    }

    private RoomLog node(Map<Long, String> seen) {
        return new RoomLog(engine, event -> seen.put(event.seq(), event.text()), config, new SeqHeads(engine), metrics,
                new RoomViews(new Codec()));
    }

    private RoomNotice send(Actor actor) {
        return commands.send(actor, new RoomRequests.Send(TextNode.valueOf("hi"), null));
    }

    private static Session session(String id) {
        return new Session(id, id, JsonNodeFactory.instance.objectNode(), "hash", "node/" + id, null, 0, 1);
    }
}

package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.client.ClientOptions;
import io.multistudio.client.ConnectionException;
import io.multistudio.client.MultiStudioClient;
import io.multistudio.client.MultiStudioException;
import io.multistudio.client.RoomEvent;
import io.multistudio.client.RoomSettings;
import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.InfinispanServer;

/**
 * PROTOCOL.md §2.7 slow consumers on a cluster, right after it started: two packaged nodes over a fresh Infinispan, a
 * reader on the first node that stops reading, and 15 members split over both nodes that flood it with 8 KB direct
 * messages. The reader's node must cut it off (64 KiB outbound bound) and put its session into grace, so that every
 * other member, on either node, sees it away while the flood goes on.
 */
class SlowConsumerClusterIT {

    private static final int FLOODERS = 15;
    private static final String PAYLOAD = "x".repeat(8 * 1024);
    /** Each flooder sends at most one message this often: 40 a second, under the default rate limit (50, burst 100). */
    private static final Duration FLOOD_PERIOD = Duration.ofMillis(25);
    /**
     * Most of it goes into filling the kernel's socket buffers (about 3 MB on loopback) before the server's own bound
     * comes into play: seconds at the flood's full pace, more on a loaded machine. Once cut, the reader is seen away
     * within a second.
     */
    private static final Duration AWAY_WITHIN = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static InfinispanServer store;
    private static final List<AppProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void start() {
        store = InfinispanServer.builder().name("slow-consumer-store").build().start();
        Map<String, String> environment = AppProcess.onInfinispan(store.hotRodAddress(),
                Map.of("MULTISTUDIO_OUTBOUND_BUFFER", "65536"));
        // Both nodes start together, as on a deployment, and the flood comes right after.
        List<CompletableFuture<AppProcess>> starting = IntStream.range(0, 2).mapToObj(i -> CompletableFuture
                .supplyAsync(() -> AppProcess.start("slow-consumer-" + i, environment))).toList();
        starting.forEach(node -> nodes.add(node.join()));
    }

    @AfterAll
    static void stop() {
        nodes.forEach(AppProcess::kill);
        if (store != null) {
            store.kill();
        }
    }

    @Test
    void aReaderThatStopsReadingIsCutOffAndSeenAwayOnBothNodes() throws Exception {
        String room = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        List<MultiStudioClient> flooders = new ArrayList<>();
        ScheduledExecutorService flood = Executors.newScheduledThreadPool(2);
        try {
            for (int i = 0; i < FLOODERS; i++) {
                MultiStudioClient flooder = connected(i % 2, "flooder-" + i);
                flooders.add(flooder);
                (i == 0 ? flooder.createRoom(RoomSettings.create().room(room).capacity(FLOODERS + 1))
                        : flooder.joinRoom(room)).await().atMost(REQUEST_TIMEOUT);
            }
            Map<Integer, List<String>> away = new ConcurrentHashMap<>();
            for (int i = 0; i < FLOODERS; i++) {
                List<String> seen = away.computeIfAbsent(i, ignored -> new CopyOnWriteArrayList<>());
                flooders.get(i).events().filter(RoomEvent.UserAway.class::isInstance)
                        .map(event -> ((RoomEvent.UserAway) event).userId()).subscribe().with(seen::add);
            }

            try (RawWebSocket reader = new RawWebSocket(nodes.get(0).wsUri(), 4096)) {
                reader.sendText("{\"kind\":\"HELLO\",\"name\":\"Reader\"}");
                String readerId = JSON.readTree(reader.readText()).path("user").path("id").asText();
                reader.sendText("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
                JsonNode joined = JSON.readTree(reader.readText());
                assertThat(joined.path("kind").asText()).as("%s", joined).isEqualTo("JOINED_ROOM");
                // From here on the reader reads nothing: its 4 KiB receive window fills, then the server's side.

                AtomicLong sent = new AtomicLong();
                Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
                long floodStarted = System.nanoTime();
                for (MultiStudioClient flooder : flooders) {
                    // One message at a time per flooder, as a client that waits for its answers: a tick that finds
                    // the last one unanswered is skipped, so a slow server is not buried under a backlog of the
                    // test's own making.
                    AtomicBoolean waiting = new AtomicBoolean();
                    flood.scheduleAtFixedRate(() -> {
                        if (waiting.compareAndSet(false, true)) {
                            flooder.sendTo(readerId, PAYLOAD).onTermination().invoke(() -> waiting.set(false))
                                    .subscribe().with(answer -> sent.incrementAndGet(), failure -> refused
                                            .computeIfAbsent(reason(failure), ignored -> new AtomicLong())
                                            .incrementAndGet());
                        }
                    }, 0, FLOOD_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
                }
                try {
                    await("every other member to see the reader away").atMost(AWAY_WITHIN)
                            .pollInterval(Duration.ofMillis(50))
                            .until(() -> away.values().stream().allMatch(seen -> seen.contains(readerId)));
                } finally {
                    flood.shutdownNow();
                    System.out.printf("slow reader seen away by %d of %d members after %d ms of flood;"
                            + " %d messages answered, refused: %s%n",
                            away.values().stream().filter(seen -> seen.contains(readerId)).count(), FLOODERS,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - floodStarted), sent.get(), refused);
                }
            }
            assertThat(nodes.get(0).metric("multistudio_slow_consumer_cuts_total"))
                    .as("cuts counted on the reader's node").isGreaterThanOrEqualTo(1);
        } finally {
            flood.shutdownNow();
            flooders.forEach(MultiStudioClient::close);
        }
    }

    /** What a refused message met, for the report: the error's kind and why, or the client's own failure. */
    private static String reason(Throwable failure) {
        return failure instanceof MultiStudioException error ? error.kind() + "/" + error.why()
                : failure instanceof ConnectionException lost ? lost.reason().name()
                : failure.getClass().getSimpleName();
    }

    private static MultiStudioClient connected(int node, String name) {
        MultiStudioClient client = new MultiStudioClient(ClientOptions.of(nodes.get(node).wsUri()).withName(name));
        client.connect().await().atMost(REQUEST_TIMEOUT);
        return client;
    }
}

package io.multistudio.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.client.ClientOptions;
import io.multistudio.client.ConnectionState;
import io.multistudio.client.MultiStudioClient;
import io.multistudio.client.Retry;
import io.multistudio.client.RoomEvent;
import io.multistudio.testsupport.AppProcess;

/**
 * The heartbeat (PROTOCOL.md §2.7) on the packaged server, pinging every second and timing out after three: a client
 * that stops answering (a raw socket that no longer reads, so it never sends a pong) is dropped and its room sees it
 * away, while an idle client whose WebSocket answers pings (the JDK's, under our Java client) stays connected.
 */
class HeartbeatIT {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AppProcess app;

    @BeforeAll
    static void start() {
        app = AppProcess.start("heartbeat", Map.of("MULTISTUDIO_HEARTBEAT_INTERVAL", INTERVAL.toSeconds() + "s",
                "MULTISTUDIO_HEARTBEAT_TIMEOUT", TIMEOUT.toSeconds() + "s"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.kill();
        }
    }

    @Test
    void aClientThatStopsAnsweringIsLostWhileAnIdleOneThatAnswersPingsStays() throws Exception {
        try (MultiStudioClient watcher = connected("Watcher"); MultiStudioClient idle = connected("Idle")) {
            List<RoomEvent> watcherSaw = record(watcher);
            watcher.createRoom("heartbeat").await().atMost(REQUEST_TIMEOUT);
            idle.joinRoom("heartbeat").await().atMost(REQUEST_TIMEOUT);
            List<Retry> idleRetries = new CopyOnWriteArrayList<>();
            idle.retries().subscribe().with(idleRetries::add);

            try (RawWebSocket silent = new RawWebSocket(app.wsUri(), 4096)) {
                silent.sendText("{\"kind\":\"HELLO\",\"name\":\"Silent\"}");
                String silentId = JSON.readTree(silent.readText()).path("user").path("id").asText();
                // Its silence is counted from before its last frame (the join, or a pong while it reads the answer),
                // so that the test never measures less silence than the server saw.
                long silentSince = System.nanoTime();
                silent.sendText("{\"kind\":\"JOIN_ROOM\",\"room\":\"heartbeat\"}");
                JsonNode joined = JSON.readTree(silent.readText());
                assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
                // From here on the silent client reads nothing, so it answers no ping.

                await("the silent client seen away").atMost(Duration.ofSeconds(30))
                        .until(() -> awayUsers(watcherSaw).contains(silentId));
                Duration silence = Duration.ofNanos(System.nanoTime() - silentSince);
                System.out.println("silent client seen away after " + silence.toMillis() + " ms of silence");
                assertThat(silence).as("not dropped before the timeout").isGreaterThanOrEqualTo(TIMEOUT);
                assertThat(silent.drainUntilClose(10_000)).as("dropped without a close handshake").isEqualTo(1006);
            }

            // The idle client sends nothing but pongs: well past the timeout it is still the same connection.
            String idleId = idle.user().id();
            await("the idle client to stay").during(TIMEOUT.multipliedBy(2)).atMost(TIMEOUT.multipliedBy(4))
                    .until(() -> idle.state() == ConnectionState.OPEN && idleRetries.isEmpty()
                            && !awayUsers(watcherSaw).contains(idleId));
            assertThat(app.metric("multistudio_heartbeat_timeouts_total")).isEqualTo(1);
        }
    }

    /**
     * Answering pings is cheap: pongs are handled on the event loops, so a node of idle connections grows no worker
     * pool (a pong handled as blocking crossed to a worker thread each, and the pool grew with the connections).
     */
    @Test
    void pongsStartNoWorkerThreads() throws Exception {
        List<MultiStudioClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                clients.add(connected("Idle " + i));
            }
            long workers = workerThreads();
            // Each of the 40 is pinged every second: four rounds of pongs, with no worker thread started.
            await("no worker thread started by pongs").during(INTERVAL.multipliedBy(4))
                    .atMost(INTERVAL.multipliedBy(10)).until(() -> workerThreads() <= workers);
        } finally {
            clients.forEach(MultiStudioClient::close);
        }
    }

    /** The app's threads of Quarkus's worker pool ("executor-thread-N", cut to 15 characters by the kernel). */
    private static long workerThreads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(app.pid()), "task"))) {
            return tasks.filter(task -> {
                try {
                    return Files.readString(task.resolve("comm")).startsWith("executor-thread");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    private static MultiStudioClient connected(String name) {
        MultiStudioClient client = new MultiStudioClient(ClientOptions.of(app.wsUri()).withName(name));
        client.connect().await().atMost(REQUEST_TIMEOUT);
        return client;
    }

    private static List<RoomEvent> record(MultiStudioClient client) {
        List<RoomEvent> events = new CopyOnWriteArrayList<>();
        client.events().subscribe().with(events::add);
        return events;
    }

    private static List<String> awayUsers(List<RoomEvent> events) {
        return events.stream().filter(RoomEvent.UserAway.class::isInstance).map(RoomEvent.UserAway.class::cast)
                .map(RoomEvent.UserAway::userId).toList();
    }
}

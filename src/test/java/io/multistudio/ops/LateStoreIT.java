package io.multistudio.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.infinispan.client.hotrod.RemoteCacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.client.ClientOptions;
import io.multistudio.client.MultiStudioClient;
import io.multistudio.client.RoomEvent;
import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.InfinispanServer;
import io.multistudio.testsupport.Wire;

/**
 * A node started before its store (in Kubernetes both often start together): it starts, is live and not ready, and
 * answers {@code UNAV} while nothing answers on the store's port; once Infinispan starts there, the same process
 * creates its caches, becomes ready and serves clients, with no restart.
 */
class LateStoreIT {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private static InfinispanServer store;
    private static AppProcess app;

    @BeforeAll
    static void startTheNodeFirst() {
        store = InfinispanServer.builder().name("late-store").build();
        app = AppProcess.startLive("late-store", AppProcess.onInfinispan(store.hotRodAddress(), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.kill();
        }
        if (store != null) {
            store.kill();
        }
    }

    @Test
    void aNodeStartedBeforeItsStoreBecomesReadyWhenTheStoreAnswers() {
        long pid = app.pid();
        assertThat(app.status("/q/health/live")).as("live without a store").isEqualTo(200);
        assertThat(app.status("/q/health/ready")).as("ready without a store").isEqualTo(503);
        try (Wire early = Wire.connect(app.wsUri())) {
            JsonNode answer = early.request("{\"kind\":\"HELLO\",\"name\":\"Early\"}");
            assertThat(answer.path("kind").asText()).as(answer.toString()).isEqualTo("UNAV");
            assertThat(answer.path("why").asText()).isEqualTo("STORE_UNAVAILABLE");
        }

        store.start();
        await("the node to become ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> app.status("/q/health/ready") == 200);
        assertThat(app.isRunning()).isTrue();
        assertThat(app.pid()).as("the same process").isEqualTo(pid);
        try (RemoteCacheManager remote = store.client()) {
            assertThat(remote.getCache("multistudio-nodes").size()).as("the node's lease, written before it is ready")
                    .isEqualTo(1);
        }

        try (MultiStudioClient owner = connected("Owner"); MultiStudioClient guest = connected("Guest")) {
            List<RoomEvent> ownerSaw = new CopyOnWriteArrayList<>();
            owner.events().subscribe().with(ownerSaw::add);
            owner.createRoom("late").await().atMost(REQUEST_TIMEOUT);
            guest.joinRoom("late").await().atMost(REQUEST_TIMEOUT);
            String guestId = guest.user().id();
            await("the owner to see the guest join").atMost(REQUEST_TIMEOUT)
                    .until(() -> ownerSaw.stream().anyMatch(event -> event instanceof RoomEvent.UserJoined joined
                            && joined.user().id().equals(guestId)));
        }
    }

    private static MultiStudioClient connected(String name) {
        MultiStudioClient client = new MultiStudioClient(ClientOptions.of(app.wsUri()).withName(name));
        client.connect().await().atMost(REQUEST_TIMEOUT);
        return client;
    }
}

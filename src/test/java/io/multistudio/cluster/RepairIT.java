package io.multistudio.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.infinispan.client.hotrod.RemoteCacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.InfinispanServer;
import io.multistudio.testsupport.Wire;

/**
 * Every app node is killed at once while clients sit in a room, and comes back only after their leases expired, so
 * that no node ever hears of their end: the periodic repair still puts the sessions of the dead nodes into grace, the
 * grace runs out, and the room is left by every ghost and deleted.
 */
class RepairIT {

    private static final String ADMIN_TOKEN = "repair-it-admin-token-not-a-secret-1234567890";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final List<AppProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void start() {
        Map<String, String> environment = AppProcess.onSharedInfinispan(Map.of("MULTISTUDIO_RECONNECT_GRACE", "2s",
                "MULTISTUDIO_REPAIR_INTERVAL", "1s", "MULTISTUDIO_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        nodes.add(AppProcess.start("repair-0", environment));
        nodes.add(AppProcess.start("repair-1", environment));
    }

    @AfterAll
    static void stop() {
        nodes.forEach(AppProcess::kill);
    }

    @Test
    void noGhostRemainsAfterEveryNodeWasKilled() throws Exception {
        String room = "repair-" + UUID.randomUUID().toString().substring(0, 8);
        List<Wire> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Wire client = Wire.hello(nodes.get(i % 2).wsUri(), "member-" + i);
            client.request("{\"kind\":\"" + (i == 0 ? "CREATE_ROOM" : "JOIN_ROOM") + "\",\"room\":\"" + room + "\"}");
            clients.add(client);
        }
        assertThat(roomDetails(nodes.get(0), room).body()).contains("member-3");

        nodes.forEach(AppProcess::kill);
        clients.forEach(Wire::drop);
        try (RemoteCacheManager store = InfinispanServer.shared().client()) {
            await("every node's lease to expire").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> store.getCache("multistudio-nodes").size() == 0);
        }

        AppProcess back = nodes.get(0).restart();
        await("the ghosts to leave and the room to go").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(roomDetails(back, room).statusCode()).isEqualTo(404));
    }

    private static HttpResponse<String> roomDetails(AppProcess node, String room)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://" + node.wsUri().getAuthority() + "/api/rooms/" + room);
        return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

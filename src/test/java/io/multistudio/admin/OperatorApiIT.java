package io.multistudio.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.testsupport.AppProcess;

/**
 * The operator API of a two-node cluster, the nodes sharing only the Infinispan server: an operator can close a room
 * or remove a member through either node, whichever node the members are connected to, and each node reports the
 * whole cluster.
 */
class OperatorApiIT {

    private static final String ADMIN_TOKEN = "it-admin-token-not-a-secret-9876543210";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static AppProcess first;
    private static AppProcess second;

    @BeforeAll
    static void startTwoNodes() {
        Map<String, String> environment = AppProcess.onSharedInfinispan(
                Map.of("MULTISTUDIO_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        first = AppProcess.start("operator-first", environment);
        second = AppProcess.start("operator-second", environment);
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.kill();
        }
        if (second != null) {
            second.kill();
        }
    }

    @Test
    void aRoomWithMembersOnBothNodesIsClosedThroughEitherNode() {
        String room = "op-close-" + System.nanoTime();
        try (Player ada = Player.hello(first.wsUri(), "Ada", null);
                Player bob = Player.hello(second.wsUri(), "Bob", null);
                Player cy = Player.hello(second.wsUri(), "Cy", null)) {
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\",\"listed\":false}");
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            cy.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");

            JsonNode details = body(send(second, "GET", "/api/rooms/" + room), 200);
            assertThat(details.path("members").findValuesAsText("id")).containsExactly(ada.id(), bob.id(), cy.id());

            // The node without the room's owner closes it.
            assertThat(send(second, "DELETE", "/api/rooms/" + room).statusCode()).isEqualTo(204);

            for (Player member : List.of(ada, bob, cy)) {
                JsonNode left = nextOf(member, "LEFT_ROOM");
                assertThat(left.path("room").asText()).isEqualTo(room);
                assertThat(left.path("reason").asText()).isEqualTo("closed");
            }
            assertThat(send(first, "GET", "/api/rooms/" + room).statusCode()).isEqualTo(404);
            assertThat(send(second, "GET", "/api/rooms/" + room).statusCode()).isEqualTo(404);
            assertThat(send(first, "DELETE", "/api/rooms/" + room).statusCode()).isEqualTo(404);
            assertThat(bob.request("{\"kind\":\"SEND\",\"data\":1}").path("why").asText()).isEqualTo("NOT_IN_ROOM");
            ada.bye();
            bob.bye();
            cy.bye();
        }
    }

    @Test
    void aMemberOnOneNodeIsRemovedThroughTheOther() {
        String room = "op-kick-" + System.nanoTime();
        try (Player ada = Player.hello(first.wsUri(), "Ada", null);
                Player bob = Player.hello(second.wsUri(), "Bob", null)) {
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");

            assertThat(send(first, "DELETE", "/api/rooms/" + room + "/members/" + bob.id()).statusCode())
                    .isEqualTo(204);

            JsonNode left = nextOf(bob, "LEFT_ROOM");
            assertThat(left.path("reason").asText()).isEqualTo("kicked");
            JsonNode userLeft = nextOf(ada, "USER_LEFT");
            assertThat(userLeft.path("user_id").asText()).isEqualTo(bob.id());
            assertThat(userLeft.path("reason").asText()).isEqualTo("kicked");
            assertThat(body(send(second, "GET", "/api/rooms/" + room), 200).path("room").path("member_count").asInt())
                    .isEqualTo(1);
            ada.bye();
            bob.bye();
        }
    }

    @Test
    void eachNodeReportsTheWholeCluster() {
        try (Player ada = Player.hello(first.wsUri(), "Ada", null);
                Player bob = Player.hello(second.wsUri(), "Bob", null)) {
            // Each node's numbers are those of its last lease renewal, every 4 seconds.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode fromFirst = body(send(first, "GET", "/api/stats"), 200);
                JsonNode fromSecond = body(send(second, "GET", "/api/stats"), 200);
                String firstId = fromFirst.path("this_node").asText();
                String secondId = fromSecond.path("this_node").asText();
                assertThat(firstId).isNotEqualTo(secondId);
                assertThat(fromFirst.path("nodes").get(0).path("id").asText()).isEqualTo(firstId);
                assertThat(fromSecond.path("nodes").get(0).path("id").asText()).isEqualTo(secondId);
                for (JsonNode stats : List.of(fromFirst, fromSecond)) {
                    JsonNode nodes = stats.path("nodes");
                    assertThat(nodes.findValuesAsText("id")).contains(firstId, secondId);
                    assertThat(connections(nodes, firstId)).isPositive();
                    assertThat(connections(nodes, secondId)).isPositive();
                    long sum = 0;
                    for (JsonNode node : nodes) {
                        sum += node.path("connections").asLong();
                    }
                    assertThat(stats.path("cluster").path("connections").asLong()).isEqualTo(sum);
                    assertThat(stats.path("cluster").path("nodes").asInt()).isEqualTo(nodes.size());
                }
            });
            ada.bye();
            bob.bye();
        }
    }

    @Test
    void withoutTheAdminTokenEveryNodeRefuses() throws Exception {
        for (AppProcess node : List.of(first, second)) {
            HttpResponse<String> response = HTTP.send(request(node, "GET", "/api/stats").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
        }
    }

    private static long connections(JsonNode nodes, String id) {
        for (JsonNode node : nodes) {
            if (node.path("id").asText().equals(id)) {
                return node.path("connections").asLong();
            }
        }
        return 0;
    }

    /** The next message of {@code kind}, skipping room events (such as {@code USER_JOINED}) that came first. */
    private static JsonNode nextOf(Player player, String kind) {
        for (int skipped = 0; skipped < 10; skipped++) {
            JsonNode message = player.next();
            if (message.path("kind").asText().equals(kind)) {
                return message;
            }
        }
        throw new AssertionError("No " + kind + " among the next 10 messages");
    }

    private static HttpResponse<String> send(AppProcess node, String method, String path) {
        try {
            return HTTP.send(request(node, method, path).header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(method + " " + path, e);
        }
    }

    private static HttpRequest.Builder request(AppProcess node, String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + node.wsUri().getAuthority() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    private static JsonNode body(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("status of %s: %s", response.uri(), response.body()).isEqualTo(status);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(response.body(), e);
        }
    }
}

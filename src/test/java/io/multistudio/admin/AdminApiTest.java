package io.multistudio.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.auth.TestJwt;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The operator API with authentication on and both an admin token and an admin role configured: who gets in, and
 * what each endpoint does to rooms whose members are connected over the protocol.
 */
@QuarkusTest
@TestProfile(AdminApiTest.Operated.class)
class AdminApiTest {

    static final String ADMIN_TOKEN = "test-admin-token-not-a-secret-0123456789";
    static final String ADMIN_ROLE = "operators";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class Operated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = TestJwt.authConfig();
            config.put("multistudio.auth.admin-token", ADMIN_TOKEN);
            config.put("multistudio.auth.admin-role", ADMIN_ROLE);
            return config;
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    // Who gets in.

    @ParameterizedTest
    @CsvSource({ "GET,/api/rooms", "GET,/api/rooms/any", "DELETE,/api/rooms/any", "DELETE,/api/rooms/any/members/u_x",
            "GET,/api/stats", "GET,/api", "GET,/api/unknown", "POST,/api/rooms" })
    void withoutATokenEveryOperatorPathIs401WithABearerChallenge(String method, String path) {
        given().when().request(method, path)
                .then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"multistudio\""))
                .body("error", equalTo("unauthorized"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "Bearer wrong", "Bearer " + ADMIN_TOKEN + "x", "Bearer x" + ADMIN_TOKEN,
            "Bearer " + ADMIN_TOKEN + "/", "Bearer a.b.c" })
    void aWrongTokenIs401(String authorization) {
        given().header("Authorization", authorization).when().get("/api/rooms")
                .then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"multistudio\", error=\"invalid_token\""))
                .body("error", equalTo("unauthorized"));
    }

    @ParameterizedTest
    @ValueSource(strings = { ADMIN_TOKEN, "Basic " + ADMIN_TOKEN, "Bearer", "Bearer   ", "Token " + ADMIN_TOKEN })
    void anythingButABearerTokenIs401(String authorization) {
        given().header("Authorization", authorization).when().get("/api/rooms")
                .then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"multistudio\""));
    }

    @Test
    void aJwtWithTheRoleThatDoesNotVerifyIs401() {
        long now = System.currentTimeMillis() / 1000;
        List<String> invalid = List.of(
                TestJwt.sign(TestJwt.claims("op").groups(ADMIN_ROLE).issuedAt(now - 7200).expiresAt(now - 3600)),
                TestJwt.claims("op").groups(ADMIN_ROLE).sign(TestJwt.otherKey()),
                TestJwt.sign(TestJwt.claims("op").groups(ADMIN_ROLE).audience("another-app")));
        for (String token : invalid) {
            given().auth().oauth2(token).when().get("/api/stats")
                    .then().statusCode(401)
                    .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
        }
    }

    @Test
    void aValidJwtWithoutTheAdminRoleIs403() {
        for (String token : List.of(TestJwt.token("player", "players"), TestJwt.token("nobody"))) {
            given().auth().oauth2(token).when().get("/api/stats")
                    .then().statusCode(403)
                    .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""))
                    .body("error", equalTo("forbidden"));
        }
    }

    @Test
    void theAdminTokenAndAJwtWithTheAdminRoleAreLetIn() {
        given().auth().oauth2(ADMIN_TOKEN).when().get("/api/stats").then().statusCode(200);
        given().header("Authorization", "bearer  " + ADMIN_TOKEN + " ").when().get("/api/rooms").then()
                .statusCode(200);
        given().auth().oauth2(TestJwt.token("op", "players", ADMIN_ROLE)).when().get("/api/stats").then()
                .statusCode(200);
        given().auth().oauth2(ADMIN_TOKEN).when().get("/api/unknown").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = { "//api/rooms", "/api//rooms", "/api/./rooms", "/x/../api/rooms", "/%61pi/rooms",
            "/api/rooms/", "/api/rooms;x=1", "/api%2Frooms" })
    void noSpellingOfAnOperatorPathGetsPastTheGuard(String path) {
        Response response = given().urlEncodingEnabled(false).when().get(path);
        assertThat(response.statusCode()).as("status of %s", path).isNotEqualTo(200);
        assertThat(response.body().asString()).as("body of %s", path).doesNotContain("\"rooms\":[");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/openapi", "/client/multistudio.js" })
    void theRestOfTheServerIsNotGuarded(String path) {
        given().header("Authorization", "Bearer wrong").when().get(path).then().statusCode(200);
        given().when().get(path).then().statusCode(200);
    }

    // What the endpoints do.

    @Test
    void everyRoomIsListedWithItsMemberCountButWithoutDataOrSecrets() {
        try (Player ada = client("list-ada"); Player bob = client("list-bob"); Player cy = client("list-cy")) {
            String listed = unique("listed");
            String hidden = unique("hidden");
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + listed + "\",\"data\":{\"topic\":\"t\"}}");
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + listed + "\"}");
            cy.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + hidden
                    + "\",\"listed\":false,\"password\":\"s3cret-pass\",\"capacity\":3}");

            String body = operator().get("/api/rooms?size=200").then().statusCode(200)
                    .contentType("application/json").extract().asString();
            JsonNode page = json(body);
            assertThat(page.path("page").asInt(-1)).isZero();
            assertThat(page.path("size").asInt()).isEqualTo(200);
            JsonNode listedRoom = room(page, listed);
            assertThat(listedRoom.path("member_count").asInt()).isEqualTo(2);
            assertThat(listedRoom.path("listed").asBoolean()).isTrue();
            assertThat(listedRoom.has("data")).isFalse();
            JsonNode hiddenRoom = room(page, hidden);
            assertThat(hiddenRoom.path("listed").asBoolean(true)).isFalse();
            assertThat(hiddenRoom.path("has_password").asBoolean()).isTrue();
            assertThat(hiddenRoom.path("capacity").asInt()).isEqualTo(3);
            assertThat(hiddenRoom.path("member_count").asInt()).isEqualTo(1);
            assertThat(hiddenRoom.path("created_at").asLong()).isPositive();
            assertThat(body).doesNotContain("s3cret-pass").doesNotContainIgnoringCase("hash")
                    .doesNotContain("\"password");
        }
    }

    @Test
    void pagesGoOldestFirstAndTogetherHoldEveryRoomOnce() {
        List<Player> owners = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Player owner = client("page-" + i);
                owner.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + unique("page") + "\"}");
                owners.add(owner);
            }
            JsonNode all = json(operator().get("/api/rooms?size=200").then().statusCode(200).extract().asString());
            List<String> everyId = all.path("rooms").findValuesAsText("id");
            List<Long> created = all.path("rooms").findValues("created_at").stream().map(JsonNode::asLong).toList();
            assertThat(everyId).hasSize(all.path("total").asInt()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(created).isSorted();

            List<String> paged = new ArrayList<>();
            for (int page = 0; page * 2 < everyId.size(); page++) {
                JsonNode onPage = json(operator().get("/api/rooms?size=2&page=" + page).then().statusCode(200)
                        .extract().asString());
                assertThat(onPage.path("rooms").size()).isBetween(1, 2);
                paged.addAll(onPage.path("rooms").findValuesAsText("id"));
            }
            assertThat(paged).isEqualTo(everyId);
            operator().get("/api/rooms?size=2&page=" + everyId.size()).then().statusCode(200)
                    .body("rooms.size()", equalTo(0))
                    .body("total", equalTo(everyId.size()));
            operator().get("/api/rooms").then().statusCode(200).body("size", equalTo(50)).body("page", equalTo(0));
        } finally {
            owners.forEach(owner -> owner.bye());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "size=0", "size=201", "size=-1", "size=ten", "size=1.5", "size=%2050", "page=-1",
            "page=x", "page=99999999999", "page=0x1" })
    void aPageOrSizeOutOfRangeIs400(String query) {
        operator().get("/api/rooms?" + query)
                .then().statusCode(400)
                .body("error", equalTo("invalid_parameter"));
    }

    @Test
    void aRoomIsShownWithItsDataAndItsMembersPresence() {
        try (Player ada = client("detail-ada"); Player bob = client("detail-bob")) {
            String id = unique("detail");
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id
                    + "\",\"listed\":false,\"password\":\"pw-123\",\"data\":{\"board\":[1,2,3]}}");
            JsonNode joined = bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + id + "\",\"password\":\"pw-123\"}");
            ada.next();
            bob.drop();
            assertThat(ada.next().path("kind").asText()).isEqualTo("USER_AWAY");

            String body = operator().get("/api/rooms/" + id).then().statusCode(200).extract().asString();
            JsonNode details = json(body);
            assertThat(details.path("room")).as("the room as the protocol shows it").isEqualTo(joined.path("room"));
            assertThat(details.path("room").path("data").path("board").size()).isEqualTo(3);
            assertThat(details.path("seq").asLong()).isEqualTo(joined.path("seq").asLong() + 1);
            JsonNode members = details.path("members");
            assertThat(members.findValuesAsText("id")).containsExactly(ada.id(), bob.id());
            assertThat(members.get(0).path("connected").asBoolean()).isTrue();
            assertThat(members.get(1).path("connected").asBoolean(true)).isFalse();
            assertThat(members.get(1).path("name").asText()).isEqualTo("detail-bob");
            assertThat(body).doesNotContain("pw-123").doesNotContainIgnoringCase("hash").doesNotContain("token");
        }
    }

    @Test
    void anUnknownRoomOrMemberIs404() {
        operator().get("/api/rooms/no-such-room").then().statusCode(404).body("error", equalTo("not_found"));
        operator().delete("/api/rooms/no-such-room").then().statusCode(404).body("error", equalTo("not_found"));
        operator().delete("/api/rooms/no-such-room/members/u_x").then().statusCode(404);
        try (Player ada = client("missing-ada")) {
            String id = unique("missing");
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
            operator().delete("/api/rooms/" + id + "/members/u_nobody").then().statusCode(404)
                    .body("error", equalTo("not_found"));
            ada.bye();
        }
    }

    @Test
    void closingARoomTellsEveryMemberAndDeletesIt() {
        try (Player ada = client("close-ada"); Player bob = client("close-bob"); Player cy = client("close-cy")) {
            String id = unique("close");
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + id + "\"}");
            cy.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + id + "\"}");
            cy.drop();
            assertThat(ada.next(3)).extracting(message -> message.path("kind").asText())
                    .containsExactly("USER_JOINED", "USER_JOINED", "USER_AWAY");
            assertThat(bob.next(2)).extracting(message -> message.path("kind").asText())
                    .containsExactly("USER_JOINED", "USER_AWAY");

            operator().delete("/api/rooms/" + id).then().statusCode(204);

            for (Player member : List.of(ada, bob)) {
                JsonNode left = member.next();
                assertThat(left.path("kind").asText()).isEqualTo("LEFT_ROOM");
                assertThat(left.path("room").asText()).isEqualTo(id);
                assertThat(left.path("reason").asText()).isEqualTo("closed");
                assertThat(left.has("rid")).isFalse();
            }
            operator().get("/api/rooms/" + id).then().statusCode(404);
            operator().delete("/api/rooms/" + id).then().statusCode(404);
            assertThat(bob.request("{\"kind\":\"SEND\",\"data\":1}").path("why").asText()).isEqualTo("NOT_IN_ROOM");
            JsonNode again = ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
            assertThat(again.path("kind").asText()).isEqualTo("JOINED_ROOM");
            assertThat(again.path("members").size()).isEqualTo(1);
            ada.bye();

            // A member in grace finds no room when it comes back, and is free to enter another.
            try (Player back = cy.resume(uri)) {
                assertThat(back.request("{\"kind\":\"PING\"}").path("kind").asText()).isEqualTo("PONG");
                assertThat(back.request("{\"kind\":\"CREATE_ROOM\"}").path("kind").asText()).isEqualTo("JOINED_ROOM");
                back.bye();
            }
        }
    }

    @Test
    void removingAMemberKicksIt() {
        try (Player ada = client("kick-ada"); Player bob = client("kick-bob")) {
            String id = unique("kick");
            String bobId = bob.id();
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
            bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + id + "\"}");
            ada.next();

            operator().delete("/api/rooms/" + id + "/members/" + bobId).then().statusCode(204);

            JsonNode left = bob.next();
            assertThat(left.path("kind").asText()).isEqualTo("LEFT_ROOM");
            assertThat(left.path("reason").asText()).isEqualTo("kicked");
            JsonNode userLeft = ada.next();
            assertThat(userLeft.path("kind").asText()).isEqualTo("USER_LEFT");
            assertThat(userLeft.path("user_id").asText()).isEqualTo(bobId);
            assertThat(userLeft.path("reason").asText()).isEqualTo("kicked");
            operator().delete("/api/rooms/" + id + "/members/" + bobId).then().statusCode(404);
            operator().get("/api/rooms/" + id).then().statusCode(200).body("room.member_count", equalTo(1));
            assertThat(bob.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + id + "\"}").path("kind").asText())
                    .isEqualTo("JOINED_ROOM");
            ada.bye();
            bob.bye();
        }
    }

    @Test
    void statsShowThisNodeAndTheCluster() {
        try (Player ada = client("stats-ada"); Player gone = client("stats-gone")) {
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + unique("stats") + "\"}");
            gone.drop();
            // Connections come from the node leases, renewed every 4 seconds.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode stats = json(operator().get("/api/stats").then().statusCode(200).extract().asString());
                JsonNode nodes = stats.path("nodes");
                assertThat(nodes.size()).isEqualTo(1);
                assertThat(nodes.get(0).path("id").asText()).isEqualTo(stats.path("this_node").asText()).isNotEmpty();
                assertThat(nodes.get(0).path("connections").asInt()).isPositive();
                assertThat(nodes.get(0).path("renewed_at").asLong()).isPositive();
                assertThat(nodes.get(0).has("messages_in_per_second")).isTrue();
                assertThat(nodes.get(0).has("messages_out_per_second")).isTrue();
                JsonNode cluster = stats.path("cluster");
                assertThat(cluster.path("nodes").asInt()).isEqualTo(1);
                assertThat(cluster.path("connections").asInt()).isEqualTo(nodes.get(0).path("connections").asInt());
                assertThat(cluster.path("messages_in_per_second").asDouble())
                        .isEqualTo(nodes.get(0).path("messages_in_per_second").asDouble());
                assertThat(cluster.path("sessions_in_grace").asInt()).isPositive();
                assertThat(cluster.path("rooms").asInt()).isEqualTo(
                        json(operator().get("/api/rooms").then().extract().asString()).path("total").asInt());
            });
            ada.bye();
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheApiAndItsBearerScheme() {
        given().accept("application/json").when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths", hasKey("/api/rooms"))
                .body("paths", hasKey("/api/rooms/{id}"))
                .body("paths", hasKey("/api/rooms/{id}/members/{userId}"))
                .body("paths", hasKey("/api/stats"))
                .body("paths['/api/rooms'].get.security[0]", hasKey("operator"))
                .body("paths['/api/rooms/{id}'].delete.responses", hasKey("204"))
                .body("components.securitySchemes.operator.type", equalTo("http"))
                .body("components.securitySchemes.operator.scheme", equalTo("bearer"))
                .body("components.schemas.ApiRoom.properties", hasKey("member_count"))
                .body("components.schemas.ApiRoom.properties", not(hasKey("memberCount")))
                .body("components.schemas.ClusterStats.properties", hasKey("this_node"))
                .body("components.schemas.ApiRoom.properties.data['$ref']", equalTo("#/components/schemas/JsonObject"));
    }

    private Player client(String name) {
        return Player.hello(uri, name, TestJwt.token(name + "-" + System.nanoTime()));
    }

    private static RequestSpecification operator() {
        return given().auth().oauth2(ADMIN_TOKEN).when();
    }

    private static JsonNode room(JsonNode page, String id) {
        for (JsonNode room : page.path("rooms")) {
            if (room.path("id").asText().equals(id)) {
                return room;
            }
        }
        throw new AssertionError("No room " + id + " in " + page);
    }

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(body, e);
        }
    }
}

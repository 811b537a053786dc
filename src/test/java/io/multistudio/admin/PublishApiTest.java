package io.multistudio.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.auth.TestJwt;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The publish API over real WebSockets: what members receive, live and replayed, and every refusal. */
@QuarkusTest
@TestProfile(AdminApiTest.Operated.class)
class PublishApiTest {

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void aPublishedMessageReachesEveryMemberAsTheServers() {
        try (Player ada = client("pub-ada"); Player bob = client("pub-bob")) {
            String id = roomWith(ada, bob);

            int seq = backend().body("{\"data\":{\"score\":[1,2]}}").post("/api/rooms/" + id + "/messages")
                    .then().statusCode(200).extract().path("seq");

            for (Player member : new Player[] { ada, bob }) {
                JsonNode message = member.next();
                assertThat(message.path("kind").asText()).isEqualTo("MESSAGE");
                assertThat(message.path("server").asBoolean()).isTrue();
                assertThat(message.has("from")).isFalse();
                assertThat(message.path("seq").asInt()).isEqualTo(seq);
                assertThat(message.path("data").toString()).isEqualTo("{\"score\":[1,2]}");
            }
            // A member's own message still names its sender, and is not the server's.
            JsonNode own = ada.request("{\"kind\":\"SEND\",\"data\":\"hi\",\"rid\":\"r1\"}");
            assertThat(own.path("from").asText()).isEqualTo(ada.id());
            assertThat(own.has("server")).isFalse();
            assertThat(own.path("seq").asInt()).isEqualTo(seq + 1);
            ada.bye();
            bob.bye();
        }
    }

    @Test
    void aDirectMessageReachesOnlyItsAddressee() {
        try (Player ada = client("to-ada"); Player bob = client("to-bob")) {
            String id = roomWith(ada, bob);

            backend().body("{\"data\":\"for bob\",\"to\":\"" + bob.id() + "\"}").post("/api/rooms/" + id + "/messages")
                    .then().statusCode(200);
            backend().body("{\"data\":\"for all\"}").post("/api/rooms/" + id + "/messages").then().statusCode(200);

            JsonNode direct = bob.next();
            assertThat(direct.path("data").asText()).isEqualTo("for bob");
            assertThat(direct.path("to").asText()).isEqualTo(bob.id());
            assertThat(bob.next().path("data").asText()).isEqualTo("for all");
            assertThat(ada.next().path("data").asText()).isEqualTo("for all");
            ada.bye();
            bob.bye();
        }
    }

    @Test
    void aMemberInGraceGetsThePublishedMessageReplayed() {
        try (Player ada = client("replay-ada"); Player bob = client("replay-bob")) {
            String id = roomWith(ada, bob);
            bob.drop();
            assertThat(ada.next().path("kind").asText()).isEqualTo("USER_AWAY");

            backend().body("{\"data\":42}").post("/api/rooms/" + id + "/messages").then().statusCode(200);

            try (Player back = bob.resume(uri)) {
                assertThat(back.next().path("kind").asText()).isEqualTo("JOINED_ROOM");
                JsonNode replayed = back.next();
                assertThat(replayed.path("kind").asText()).isEqualTo("MESSAGE");
                assertThat(replayed.path("server").asBoolean()).isTrue();
                assertThat(replayed.path("data").asInt()).isEqualTo(42);
                back.bye();
            }
            ada.bye();
        }
    }

    @Test
    void aDataPatchIsARoomUpdateForTheMembers() {
        try (Player ada = client("patch-ada"); Player bob = client("patch-bob")) {
            String id = roomWith(ada, bob);
            ada.request("{\"kind\":\"SET_ROOM_DATA\",\"data\":{\"map\":\"dust\",\"round\":1}}");
            bob.next();

            int seq = backend().contentType("application/merge-patch+json").body("{\"round\":2,\"map\":null}")
                    .patch("/api/rooms/" + id + "/data").then().statusCode(200).extract().path("seq");

            for (Player member : new Player[] { ada, bob }) {
                JsonNode updated = member.next();
                assertThat(updated.path("kind").asText()).isEqualTo("ROOM_UPDATED");
                assertThat(updated.path("seq").asInt()).isEqualTo(seq);
                assertThat(updated.path("room").path("data").toString()).isEqualTo("{\"round\":2}");
            }
            ada.bye();
            bob.bye();
        }
    }

    @Test
    void anUnknownRoomOrAddresseeIs404() {
        backend().body("{\"data\":1}").post("/api/rooms/nope/messages")
                .then().statusCode(404).body("error", equalTo("room_not_found"));
        backend().body("{}").patch("/api/rooms/nope/data")
                .then().statusCode(404).body("error", equalTo("room_not_found"));
        try (Player ada = client("404-ada")) {
            String id = "pub-" + System.nanoTime();
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
            backend().body("{\"data\":1,\"to\":\"u_nobody\"}").post("/api/rooms/" + id + "/messages")
                    .then().statusCode(404).body("error", equalTo("user_not_in_room"));
            ada.bye();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "not json", "[1]", "{\"to\":\"u_x\"}", "{\"data\":1,\"to\":5}", "{\"data\":1} 2" })
    void aBadMessageBodyIs400(String body) {
        backend().body(body).post("/api/rooms/any/messages")
                .then().statusCode(400).body("error", equalTo("invalid_body"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "[]", "\"x\"", "{" })
    void aBadPatchIs400(String body) {
        backend().body(body).patch("/api/rooms/any/data")
                .then().statusCode(400).body("error", equalTo("invalid_body"));
    }

    @Test
    void tooMuchDataIs400() {
        String large = "x".repeat(70_000);
        backend().body("{\"data\":\"" + large + "\"}").post("/api/rooms/any/messages")
                .then().statusCode(400).body("error", equalTo("data_too_large"));
        try (Player ada = client("big-ada")) {
            String id = "big-" + System.nanoTime();
            ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
            backend().body("{\"blob\":\"" + large + "\"}").patch("/api/rooms/" + id + "/data")
                    .then().statusCode(400).body("error", equalTo("data_too_large"));
            ada.bye();
        }
    }

    @Test
    void withoutCredentialsNothingIsPublished() {
        given().contentType(ContentType.JSON).body("{\"data\":1}").post("/api/rooms/any/messages")
                .then().statusCode(401);
        given().auth().oauth2(TestJwt.token("player", "players")).contentType(ContentType.JSON).body("{}")
                .patch("/api/rooms/any/data").then().statusCode(403);
    }

    @Test
    void theOpenApiDocumentDescribesThePublishApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/rooms/{id}/messages'.post.responses.'200'.content.'application/json'.schema.'$ref'",
                        equalTo("#/components/schemas/Published"))
                .body("paths.'/api/rooms/{id}/data'.patch.responses.'404'.description",
                        equalTo("No such room (room_not_found), or to is not a member of it (user_not_in_room)"));
    }

    /** A fresh room with both players in it, and the join already seen by the first. */
    private static String roomWith(Player first, Player second) {
        String id = "pub-" + System.nanoTime();
        first.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}");
        second.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + id + "\"}");
        assertThat(first.next().path("kind").asText()).isEqualTo("USER_JOINED");
        return id;
    }

    private Player client(String name) {
        return Player.hello(uri, name, TestJwt.token(name + "-" + System.nanoTime()));
    }

    private static RequestSpecification backend() {
        return given().auth().oauth2(AdminApiTest.ADMIN_TOKEN).contentType(ContentType.JSON).when();
    }
}

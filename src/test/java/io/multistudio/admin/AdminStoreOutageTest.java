package io.multistudio.admin;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.InfinispanServer;
import io.multistudio.testsupport.InfinispanTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** While the store is gone the operator API answers 503 at once, and serves again when the store is back. */
@QuarkusTest
@TestProfile(AdminStoreOutageTest.OwnStore.class)
class AdminStoreOutageTest {

    static final String ADMIN_TOKEN = "outage-admin-token-not-a-secret";
    static InfinispanServer store;

    public static class OwnStore implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OwnStoreResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.store-timeout", "1s", "multistudio.auth.admin-token", ADMIN_TOKEN);
        }
    }

    public static class OwnStoreResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            store = InfinispanServer.builder().name("operator-outage").build().start();
            return InfinispanTestResource.configFor(store);
        }

        @Override
        public void stop() {
            store.stop();
        }
    }

    @Test
    void theApiAnswers503AtOnceWhileTheStoreIsGone() {
        given().auth().oauth2(ADMIN_TOKEN).when().get("/api/stats").then().statusCode(200);
        store.stop();
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/api/rooms/any", "/api/rooms", "/api/stats")) {
            long asked = System.nanoTime();
            Response response = given().auth().oauth2(ADMIN_TOKEN).when().get(path);
            softly.assertThat(response.statusCode()).as("status of %s: %s", path, response.asString()).isEqualTo(503);
            softly.assertThat(response.header("Retry-After")).as("Retry-After of %s", path).isEqualTo("5");
            softly.assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("time of %s", path)
                    .isLessThan(Duration.ofSeconds(10));
        }
        store.start();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(ADMIN_TOKEN).when()
                .get("/api/rooms").then().statusCode(200).body("page", equalTo(0)));
        softly.assertAll();
    }
}

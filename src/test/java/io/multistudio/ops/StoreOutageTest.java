package io.multistudio.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.InfinispanServer;
import io.multistudio.testsupport.InfinispanTestResource;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A store outage, with an Infinispan server of this test's own that it stops and starts again: readiness goes down
 * while the store is gone, requests get UNAV/STORE_UNAVAILABLE quickly, and the node recovers by itself.
 */
@QuarkusTest
@TestProfile(StoreOutageTest.OwnStore.class)
class StoreOutageTest {

    static InfinispanServer store;

    public static class OwnStore implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OwnStoreResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.store-timeout", "1s");
        }
    }

    public static class OwnStoreResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            store = InfinispanServer.builder().name("outage").build().start();
            return InfinispanTestResource.configFor(store);
        }

        @Override
        public void stop() {
            store.stop();
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @TestHTTPResource(value = "health/ready", management = true)
    URI ready;

    @Test
    void readinessFollowsTheStoreAndRequestsFailFastWhileItIsGone() {
        given().when().get(ready).then().statusCode(200);
        try (Wire ada = Wire.hello(uri, "Ada")) {
            store.stop();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get(ready).then()
                    .statusCode(503).body(containsString("engine")));
            long asked = System.nanoTime();
            JsonNode refused = ada.request("{\"kind\":\"CREATE_ROOM\",\"rid\":\"c\"}");
            assertThat(refused.path("kind").asText()).isEqualTo("UNAV");
            assertThat(refused.path("why").asText()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(refused.path("rid").asText()).isEqualTo("c");
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));

            store.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(
                    () -> given().when().get(ready).then().statusCode(200));
        }
        try (Wire bob = Wire.hello(uri, "Bob")) {
            assertThat(bob.request("{\"kind\":\"CREATE_ROOM\"}").path("kind").asText()).isEqualTo("JOINED_ROOM");
        }
    }
}

package io.multistudio.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.isA;

import java.net.URI;
import java.time.Duration;


import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** {@code GET /monitor/stats}: its shape, and that it reports the node's counters. */
@QuarkusTest
class MonitorResourceTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void answersTheNodeNumbersAsJson() {
        given().when().get("/monitor/stats").then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("connections", allOf(isA(Integer.class), greaterThanOrEqualTo(0)))
                .body("rooms", allOf(isA(Integer.class), greaterThanOrEqualTo(0)))
                .body("messages_in_per_second", instanceOf(Number.class))
                .body("messages_out_per_second", instanceOf(Number.class))
                .body("messages_in_total", instanceOf(Number.class))
                .body("messages_out_total", instanceOf(Number.class));
    }

    @Test
    void countsTheWebSocketTraffic() {
        long in = totals().getLong("messages_in_total");
        long out = totals().getLong("messages_out_total");
        try (Wire client = Wire.hello(ws, "Monitor")) {
            client.request("{\"kind\":\"CREATE_ROOM\"}");
            client.request("{\"kind\":\"PING\"}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonPath now = totals();
                assertThat(now.getInt("connections")).isPositive();
                assertThat(now.getInt("rooms")).isPositive();
                assertThat(now.getLong("messages_in_total")).isGreaterThanOrEqualTo(in + 3);
                assertThat(now.getLong("messages_out_total")).isGreaterThanOrEqualTo(out + 3);
                assertThat(now.getDouble("messages_in_per_second")).isPositive();
            });
        }
    }

    private static JsonPath totals() {
        return given().when().get("/monitor/stats").then().statusCode(200).extract().jsonPath();
    }
}

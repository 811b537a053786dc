package io.multistudio.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

/** The probes of kubernetes/base/deployment.yaml, on the memory engine that a server without Infinispan runs. */
@QuarkusTest
class HealthTest {

    @ParameterizedTest
    @ValueSource(strings = { "/q/health/started", "/q/health/live", "/q/health/ready", "/q/health" })
    void reportsUp(String path) {
        given().when().get(path)
                .then().statusCode(200)
                .contentType("application/json")
                .body("status", is("UP"));
    }
}

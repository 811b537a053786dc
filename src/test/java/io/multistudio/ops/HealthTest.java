package io.multistudio.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The probes of kubernetes/base/deployment.yaml, on the memory engine that a server without Infinispan runs: served
 * by the management interface, and by nothing on the port that clients reach through the Service and the Ingress.
 */
@QuarkusTest
class HealthTest {

    /** The management interface's {@code /q/}. */
    @TestHTTPResource(value = "/", management = true)
    URI management;

    @ParameterizedTest
    @ValueSource(strings = { "health/started", "health/live", "health/ready", "health" })
    void reportsUpOnTheManagementPort(String path) {
        given().when().get(management.resolve(path))
                .then().statusCode(200)
                .contentType("application/json")
                .body("status", is("UP"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/health/started", "/q/health/live", "/q/health/ready", "/q/health", "/q/metrics" })
    void theClientPortPublishesNoHealthOrMetrics(String path) {
        given().when().get(path).then().statusCode(404);
    }
}

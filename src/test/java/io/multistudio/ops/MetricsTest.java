package io.multistudio.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The meters operators graph, under the names they are published with at /q/metrics of the management interface; and
 * every name the dashboard and the alert rules of kubernetes/monitoring/ may use is in that real scrape.
 */
@QuarkusTest
class MetricsTest {

    /** The names .ci/validate-kubernetes allows in the PromQL of kubernetes/monitoring/. */
    private static final Path MONITORED_NAMES = Path.of("kubernetes", "monitoring", "metric-names.txt");

    @TestHTTPResource("/ws")
    URI uri;

    @TestHTTPResource(value = "metrics", management = true)
    URI metrics;

    @TestHTTPResource(value = "health/ready", management = true)
    URI ready;

    @Test
    void theServerPublishesItsMetersAndEveryOneTheMonitoringUses() throws IOException {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            ada.request("{\"kind\":\"CREATE_ROOM\"}");
            ada.request("{\"kind\":\"SEND\",\"data\":1}");
            ada.request("not json");
            ada.drop();
            try (Wire back = Wire.connect(uri)) {
                back.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + ada.helloAnswer().get("reconnect_token") + "}");
                back.next();
            }
        }

        // The readiness gauge reports the last readiness check.
        given().when().get(ready).then().statusCode(200);

        String scrape = given().when().get(metrics).then().statusCode(200).body(allOf(
                containsString("multistudio_connections "),
                containsString("multistudio_sessions_grace "),
                containsString("multistudio_rooms "),
                containsString("multistudio_messages_in_total "),
                containsString("multistudio_messages_out_total "),
                containsString("multistudio_fanout_latency_seconds_bucket"),
                containsString("multistudio_resumes_total{outcome=\"recovered\"}"),
                containsString("multistudio_errors_total{code=\"BADR\",why=\"MALFORMED_JSON\"}"),
                containsString("multistudio_engine_operation_seconds_count{engine=\"memory\",map=\"sessions\",operation=\"update\"}"),
                containsString("multistudio_ready 1.0"))).extract().asString();

        assertThat(namesIn(scrape)).as("names in /q/metrics").containsAll(monitoredNames());
    }

    /** The metric names of a Prometheus text exposition: each sample line's name, up to its labels or its value. */
    private static Set<String> namesIn(String scrape) {
        return scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    private static List<String> monitoredNames() throws IOException {
        List<String> names = Files.readAllLines(MONITORED_NAMES).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(names).as("names in %s", MONITORED_NAMES).isNotEmpty();
        return names;
    }
}

package io.multistudio.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.multistudio.wsclient.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The meters operators graph, under the names they are published with at /q/metrics of the management interface. */
@QuarkusTest
class MetricsTest {

    @TestHTTPResource("/ws")
    URI uri;

    @TestHTTPResource(value = "metrics", management = true)
    URI metrics;

    @Test
    void theServerPublishesItsMeters() {
        try (WsClient ada = WsClient.hello(uri, "Ada")) {
            ada.request("{\"kind\":\"CREATE_ROOM\"}");
            ada.request("{\"kind\":\"SEND\",\"data\":1}");
            ada.request("not json");
            ada.drop();
            try (WsClient back = WsClient.connect(uri)) {
                back.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + ada.helloAnswer().get("reconnect_token") + "}");
                back.next();
            }
        }

        given().when().get(metrics).then().statusCode(200).body(allOf(
                containsString("multistudio_connections "),
                containsString("multistudio_sessions_grace "),
                containsString("multistudio_rooms "),
                containsString("multistudio_messages_in_total "),
                containsString("multistudio_messages_out_total "),
                containsString("multistudio_fanout_latency_seconds_bucket"),
                containsString("multistudio_resumes_total{outcome=\"recovered\"}"),
                containsString("multistudio_errors_total{code=\"BADR\",why=\"MALFORMED_JSON\"}"),
                containsString("multistudio_engine_operation_seconds_count{engine=\"memory\",map=\"sessions\",operation=\"update\"}")));
    }
}

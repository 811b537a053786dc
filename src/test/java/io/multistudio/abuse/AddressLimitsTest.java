package io.multistudio.abuse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The caps on connections per client address and on connections that have not said {@code HELLO} (PROTOCOL.md §2.7,
 * "Resource bounds"): over one, the upgrade gets HTTP 503 and the refusal is counted, while a client from another
 * address is still served. Several client addresses come from binding to 127.0.0.x, all loopback on Linux. Behind a
 * trusted proxy the forwarded address counts; a forwarded header from anyone else is ignored.
 */
@QuarkusTest
@TestProfile(AddressLimitsTest.SmallCaps.class)
class AddressLimitsTest {

    static final int PER_ADDRESS = 4;
    static final int PENDING = 6;

    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.max-connections-per-address", String.valueOf(PER_ADDRESS),
                    "multistudio.max-pending-hello", String.valueOf(PENDING),
                    // Connections left without HELLO must outlive the test, not be closed by the hello timeout.
                    "multistudio.hello-timeout", "120s",
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/ws")
    URI uri;

    @TestHTTPResource(value = "metrics", management = true)
    URI metrics;

    private final List<RawWebSocket> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (RawWebSocket socket : open) {
            socket.close();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().contains("multistudio_connections_pending_hello 0.0"));
    }

    @Test
    void pastTheCapOnOneAddressItsUpgradeGets503WhileAnotherAddressIsServed() throws IOException {
        for (int i = 0; i < PER_ADDRESS; i++) {
            hello(connect("127.0.0.3", ""));
        }
        assertRefused("127.0.0.3", "");
        hello(connect("127.0.0.4", ""));
        assertThat(scrape()).contains("multistudio_connections_refused_total{reason=\"per_address\"}");
    }

    @Test
    void pastTheCapOnConnectionsWithoutHelloTheNextUpgradeGets503UntilOneSaysHello() throws IOException {
        List<RawWebSocket> silent = new ArrayList<>();
        for (int i = 1; i <= PENDING; i++) {
            silent.add(connect("127.0.1." + i, ""));
        }
        assertRefused("127.0.1.100", "");
        assertThat(scrape()).contains("multistudio_connections_refused_total{reason=\"pending_hello\"}");
        hello(silent.get(0));
        hello(connect("127.0.1.100", ""));
    }

    @Test
    void behindATrustedProxyTheForwardedAddressCountsAndFromAnyoneElseTheHeaderIsIgnored() throws IOException {
        String forwarded = "X-Forwarded-For: 203.0.113.7\r\n";
        for (int i = 0; i < PER_ADDRESS; i++) {
            hello(connect("127.0.0.1", forwarded));
        }
        assertRefused("127.0.0.1", forwarded);
        hello(connect("127.0.0.1", "X-Forwarded-For: 203.0.113.8\r\n"));
        // 127.0.0.5 is no trusted proxy: it counts as itself, whatever it claims.
        hello(connect("127.0.0.5", forwarded));
    }

    private RawWebSocket connect(String from, String headers) throws IOException {
        RawWebSocket socket = new RawWebSocket(uri, 0, from, headers);
        open.add(socket);
        return socket;
    }

    private void assertRefused(String from, String headers) {
        assertThatThrownBy(() -> connect(from, headers)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("upgrade refused: HTTP/1.1 503");
    }

    private static void hello(RawWebSocket socket) throws IOException {
        socket.sendText("{\"kind\":\"HELLO\",\"name\":\"Capped\"}");
        assertThat(JSON.readTree(socket.readText()).path("kind").asText()).isEqualTo("HELLO");
    }

    private String scrape() {
        return given().when().get(metrics).then().statusCode(200).extract().asString();
    }
}

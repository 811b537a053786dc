package io.multistudio.abuse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.multistudio.observability.ServerMetrics;
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
    /** Upgrades from one address at once, in the race for its {@link #PER_ADDRESS} places. */
    static final int RACERS = 24;

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

    @Inject
    MeterRegistry registry;

    private final List<RawWebSocket> open = new CopyOnWriteArrayList<>();

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

    /**
     * Upgrades from one address that arrive together all pass the check at the upgrade before any of them is counted,
     * which happens when each opens: those that open over the cap are closed with 1013. Whichever way each is turned
     * away, it is counted, and the address never holds more than its cap. Rounds repeat until one was closed with
     * 1013: in ten rounds on loopback every round had some (1 to 20 of the 24), 4 served each time.
     */
    @Test
    void upgradesRacingPastTheCheckAreClosedWith1013AndTheAddressNeverHoldsMoreThanItsCap() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(RACERS);
        try {
            int closed = 0;
            for (int round = 1; round <= 10 && closed == 0; round++) {
                closed = race(threads, "127.0.2." + round);
            }
            assertThat(closed).as("connections closed with 1013 in the last round").isPositive();
        } finally {
            threads.shutdownNow();
        }
    }

    /** One round of {@link #RACERS} upgrades at once from {@code from}; returns how many were closed with 1013. */
    private int race(ExecutorService threads, String from) throws Exception {
        double refusedBefore = refused();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<RawWebSocket>> upgrades = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            upgrades.add(threads.submit(() -> {
                start.await();
                try {
                    return connect(from, "");
                } catch (IOException refused) {
                    assertThat(refused).hasMessageStartingWith("upgrade refused: HTTP/1.1 503");
                    return null;
                }
            }));
        }
        start.countDown();
        int upgradeRefused = 0;
        int closed = 0;
        int served = 0;
        for (Future<RawWebSocket> upgrade : upgrades) {
            RawWebSocket socket = upgrade.get(30, TimeUnit.SECONDS);
            if (socket == null) {
                upgradeRefused++;
            } else if (answersHello(socket)) {
                served++;
            } else {
                closed++;
            }
        }
        assertThat(served).as("served from %s", from).isBetween(1, PER_ADDRESS);
        assertThat(upgradeRefused + closed + served).isEqualTo(RACERS);
        double counted = refusedBefore + upgradeRefused + closed;
        await().atMost(Duration.ofSeconds(10)).until(() -> refused() == counted);
        return closed;
    }

    /**
     * Says {@code HELLO}: {@code true} if answered, {@code false} if the connection was closed with 1013 when it
     * opened (then the server ignores the {@code HELLO}: the connection is not its any more).
     */
    private static boolean answersHello(RawWebSocket socket) throws IOException {
        socket.sendText("{\"kind\":\"HELLO\",\"name\":\"Racer\"}");
        RawWebSocket.Frame first = socket.read();
        if (first != null && first.opcode() == RawWebSocket.TEXT) {
            assertThat(JSON.readTree(first.text()).path("kind").asText()).isEqualTo("HELLO");
            return true;
        }
        assertThat(first).as("a close frame").isNotNull();
        assertThat(first.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(first.closeCode()).isEqualTo(1013);
        assertThat(new String(first.payload(), 2, first.payload().length - 2, StandardCharsets.UTF_8))
                .isEqualTo("too many connections");
        return false;
    }

    /** Connections refused so far for either cap, at the upgrade or when they opened. */
    private double refused() {
        return registry.counter("multistudio.connections.refused", "reason", ServerMetrics.PER_ADDRESS).count()
                + registry.counter("multistudio.connections.refused", "reason", ServerMetrics.PENDING_HELLO).count();
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

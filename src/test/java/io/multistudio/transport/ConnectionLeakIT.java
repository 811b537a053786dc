package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.Wire;

/**
 * Thousands of sessions that end every way a session can (BYE, a client close with 1000, a connection dropped
 * without a close frame) leave nothing behind once their grace is over: after a full GC the packaged server holds no
 * connection objects of ours or of Vert.x, so a server whose clients come and go all day does not grow. An open
 * connection keeps nothing of the HTTP request that upgraded it.
 */
class ConnectionLeakIT {

    /** A third of them dropped: each would leave its connection behind if anything still held it. */
    private static final int CYCLES = 600;
    /** What the JVM may still hold for reasons of its own (an object awaiting a later reference-queue pass). */
    private static final int TOLERATED = 3;

    private static AppProcess app;

    @BeforeAll
    static void start() {
        app = AppProcess.start("connection-leak", Map.of("MULTISTUDIO_RECONNECT_GRACE", "2s"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.kill();
        }
    }

    @Test
    void sessionsThatEndedLeaveNoConnectionBehind() throws Exception {
        for (int i = 0; i < CYCLES; i++) {
            Wire client = Wire.hello(app.wsUri(), "cycle-" + i);
            client.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"leak-" + i + "\"}");
            client.request("{\"kind\":\"SEND\",\"data\":{\"n\":" + i + "}}");
            client.request("{\"kind\":\"SET_USER_DATA\",\"data\":{\"n\":" + i + "}}");
            switch (i % 3) {
                case 0 -> client.request("{\"kind\":\"BYE\"}");
                case 1 -> client.close(1000);
                default -> client.drop();
            }
            if (i % 3 != 2) {
                client.awaitClose();
            }
        }
        // Past the grace every dropped session expired: no connection, no session in grace, no room left.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String metrics = get(app.managementUri("/q/metrics"));
            assertThat(gauge(metrics, "multistudio_connections")).isZero();
            assertThat(gauge(metrics, "multistudio_sessions_grace")).isZero();
        });

        String histogram = liveObjects(app.pid());
        assertThat(instances(histogram, "io.multistudio.transport.Connection"))
                .as("our connections still reachable").isLessThanOrEqualTo(TOLERATED);
        assertThat(instances(histogram, "io.vertx.core.http.impl.ServerWebSocketImpl"))
                .as("Vert.x WebSockets still reachable").isLessThanOrEqualTo(TOLERATED);
    }

    @Test
    void openConnectionsKeepNothingOfTheirUpgradeRequest() throws Exception {
        int open = 60;
        List<Wire> clients = new ArrayList<>();
        for (int i = 0; i < open; i++) {
            Wire client = Wire.hello(app.wsUri(), "idle-" + i);
            client.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"idle-" + i + "\"}");
            clients.add(client);
        }
        String histogram = liveObjects(app.pid());
        assertThat(instances(histogram, "io.vertx.core.http.impl.ServerWebSocketImpl"))
                .as("Vert.x WebSockets of the open connections").isGreaterThanOrEqualTo(open);
        // websockets-next kept the routing context of an upgrade that carried a deferred identity (UpgradeIdentity), with
        // the identity's captured contexts: one of each per connection. Not one per connection, whatever else is live.
        for (String upgrade : List.of("io.vertx.ext.web.impl.RoutingContextImpl",
                "io.vertx.core.http.impl.Http1xServerRequest", "io.vertx.core.http.impl.Http1xServerResponse",
                "io.smallrye.context.impl.SlowCapturedContextState")) {
            assertThat(instances(histogram, upgrade)).as(upgrade + " still reachable").isLessThan(open / 4);
        }
        for (Wire client : clients) {
            client.request("{\"kind\":\"BYE\"}");
            client.awaitClose();
        }
    }

    /** A class histogram of the live objects: {@code jcmd} runs a full GC first. */
    private static String liveObjects(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    private static long instances(String histogram, String className) {
        Matcher row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "\\s*$",
                Pattern.MULTILINE).matcher(histogram);
        return row.find() ? Long.parseLong(row.group(1)) : 0;
    }

    private static double gauge(String metrics, String name) {
        Matcher line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        assertThat(line.find()).as(name + " in the scrape").isTrue();
        return Double.parseDouble(line.group(2));
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

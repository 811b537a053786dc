package io.multistudio.abuse;

import static io.multistudio.abuse.RawWebSocket.FIN;
import static io.multistudio.abuse.RawWebSocket.RSV1;
import static io.multistudio.abuse.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.Wire;

/**
 * The deflate bomb of issue 14, against the packaged server and its 256 MiB heap: several clients offer
 * permessage-deflate and, before {@code HELLO}, each sends a frame marked compressed that would inflate to 50 MB
 * (about 50 KB on the wire). No compression is negotiated, so nothing is inflated: the server's peak RSS, reset just
 * before, grows by far less than one inflated frame, and a client that behaves is served afterwards.
 */
class DeflateBombIT {

    private static final int CLIENTS = 8;
    private static final int INFLATED = 50 * 1024 * 1024;
    /** Less than one inflated frame; eight of them would be 400 MB. */
    private static final long PEAK_GROWTH_LIMIT_KIB = 32 * 1024;

    private static AppProcess app;

    @BeforeAll
    static void start() {
        app = AppProcess.start("deflate-bomb", Map.of());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.kill();
        }
    }

    @Test
    void framesThatWouldInflateTo400MbInAllLeaveThePeakRssOfTheServerAlmostWhereItWas() throws IOException {
        byte[] bomb = FrameBoundsTest.deflatedSpaces(INFLATED);
        String offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
        try (Wire warm = Wire.hello(app.wsUri(), "Warm")) {
            warm.request("{\"kind\":\"PING\"}");
        }
        Path status = Path.of("/proc", String.valueOf(app.pid()), "status");
        // Writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS.
        Files.writeString(Path.of("/proc", String.valueOf(app.pid()), "clear_refs"), "5");
        long before = kib(status, "VmHWM:");

        List<RawWebSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new RawWebSocket(app.wsUri(), 0, null, offer));
            }
            for (RawWebSocket client : clients) {
                assertThat(client.upgradeResponse().toLowerCase()).doesNotContain("sec-websocket-extensions");
                client.sendFrame(FIN | RSV1 | TEXT, bomb);
            }
            for (RawWebSocket client : clients) {
                assertThat(client.drainUntilClose(30_000)).as("close code for a frame marked compressed")
                        .isIn(1002, 1006);
            }
        } finally {
            for (RawWebSocket client : clients) {
                client.close();
            }
        }

        long growth = kib(status, "VmHWM:") - before;
        System.out.printf("Deflate bomb: peak RSS grew by %,d KiB for %d frames of %d bytes (%d MB inflated each)%n",
                growth, CLIENTS, bomb.length, INFLATED >> 20);
        assertThat(growth).as("growth of the server's peak RSS in KiB").isLessThan(PEAK_GROWTH_LIMIT_KIB);
        try (Wire after = Wire.hello(app.wsUri(), "After")) {
            assertThat(after.request("{\"kind\":\"PING\"}").path("kind").asText()).isEqualTo("PONG");
        }
    }

    private static long kib(Path status, String field) throws IOException {
        return Files.readAllLines(status).stream().filter(line -> line.startsWith(field))
                .map(line -> line.substring(field.length()).replace("kB", "").strip()).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
    }
}

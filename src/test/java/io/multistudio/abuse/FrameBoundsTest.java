package io.multistudio.abuse;

import static io.multistudio.abuse.RawWebSocket.CONTINUATION;
import static io.multistudio.abuse.RawWebSocket.FIN;
import static io.multistudio.abuse.RawWebSocket.RSV1;
import static io.multistudio.abuse.RawWebSocket.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Frames are bounded before they are buffered or inflated (PROTOCOL.md §2.7, "Resource bounds"): a fragmented message
 * is refused as soon as it passes the transport's ceiling (the protocol's 64 KiB limit plus a little slack), without
 * its last fragment; no compression extension is negotiated, so a deflate bomb is never inflated; and a text frame
 * that is not UTF-8 fails the connection with 1007 (RFC 6455).
 */
@QuarkusTest
class FrameBoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 65536;
    private static final int CEILING = LIMIT + 4096;
    private static final int CLOSE_WAIT_MILLIS = 15_000;

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void aTextFrameThatIsNotUtf8ClosesTheConnectionWith1007() throws IOException {
        try (RawWebSocket raw = new RawWebSocket(uri, 0)) {
            byte[] frame = "{\"kind\":\"PING\",\"x\":\"..\"}".getBytes(StandardCharsets.US_ASCII);
            frame[20] = (byte) 0xC3;
            frame[21] = (byte) 0x28;
            raw.send(TEXT, frame);
            assertThat(raw.drainUntilClose(CLOSE_WAIT_MILLIS)).isEqualTo(1007);
        }
    }

    @Test
    void utf8IsCheckedAcrossFragments() throws IOException {
        try (RawWebSocket valid = new RawWebSocket(uri, 0); RawWebSocket invalid = new RawWebSocket(uri, 0)) {
            // "é" is C3 A9: split between two fragments, it is still valid.
            valid.sendFrame(TEXT, bytes("{\"kind\":\"HELLO\",\"name\":\"", 0xC3));
            valid.sendFrame(FIN | CONTINUATION, bytes("", 0xA9, '"', '}'));
            JsonNode hello = JSON.readTree(valid.readText());
            assertThat(hello.path("user").path("name").asText()).isEqualTo("é");

            invalid.sendFrame(TEXT, bytes("{\"kind\":\"HELLO\",\"name\":\"", 0xE2, 0x82));
            invalid.sendFrame(FIN | CONTINUATION, bytes("", 0x28, '"', '}'));
            assertThat(invalid.drainUntilClose(CLOSE_WAIT_MILLIS)).isEqualTo(1007);
        }
    }

    @Test
    void aFragmentedMessageIsRefusedAsSoonAsItPassesTheCeilingBeforeItsLastFragment() throws IOException {
        try (RawWebSocket raw = new RawWebSocket(uri, 0)) {
            raw.sendText("{\"kind\":\"HELLO\",\"name\":\"Frag\"}");
            assertThat(JSON.readTree(raw.readText()).path("kind").asText()).isEqualTo("HELLO");
            byte[] chunk = new byte[16 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            raw.sendFrame(TEXT, bytes("{\"kind\":\"PING\",\"pad\":\""));
            int sent = 0;
            // Just past the ceiling, and no final fragment: a server that assembled first would answer nothing.
            while (sent <= CEILING) {
                raw.sendFrame(CONTINUATION, chunk);
                sent += chunk.length;
            }
            JsonNode answer = JSON.readTree(raw.readText());
            assertThat(answer.path("why").asText()).as("answer to %s", answer).isEqualTo("MESSAGE_TOO_LARGE");
            assertThat(raw.drainUntilClose(CLOSE_WAIT_MILLIS)).isEqualTo(1009);
        }
    }

    @Test
    void noCompressionIsNegotiatedSoADeflateBombIsNeverInflated() throws IOException {
        String offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                + "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n";
        try (RawWebSocket raw = new RawWebSocket(uri, 0, null, offer)) {
            assertThat(raw.upgradeResponse().toLowerCase()).doesNotContain("sec-websocket-extensions");
            byte[] bomb = deflatedSpaces(50 * 1024 * 1024);
            assertThat(bomb.length).as("the compressed frame passes the frame ceiling").isLessThan(LIMIT);
            raw.sendFrame(FIN | RSV1 | TEXT, bomb);
            // Without a negotiated extension a frame marked compressed is a protocol error: the connection is failed
            // (1002, or dropped outright: 1006) with nothing inflated.
            int code = raw.drainUntilClose(CLOSE_WAIT_MILLIS);
            assertThat(code).as("close code for a frame marked compressed").isIn(1002, 1006);
        }
        try (Wire other = Wire.hello(uri, "After")) {
            assertThat(other.request("{\"kind\":\"PING\"}").path("kind").asText()).isEqualTo("PONG");
        }
    }

    private static byte[] bytes(String ascii, int... more) {
        byte[] head = ascii.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + more.length);
        for (int i = 0; i < more.length; i++) {
            all[head.length + i] = (byte) more[i];
        }
        return all;
    }

    /** {@code size} spaces deflated the way permessage-deflate sends them (raw deflate, sync flush, tail removed). */
    static byte[] deflatedSpaces(int size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] input = new byte[1 << 20];
        Arrays.fill(input, (byte) ' ');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int fed = 0; fed < size; fed += input.length) {
            deflater.setInput(input);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buffer, 0, n);
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }
}

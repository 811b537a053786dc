package io.multistudio.abuse;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import io.multistudio.testsupport.WebSocketAccept;

/**
 * A WebSocket client on a plain socket, for what well-behaved clients cannot do: stop reading while the server keeps
 * writing (a slow consumer), or send a text frame that is not UTF-8. It does the HTTP upgrade by hand and speaks
 * RFC 6455 framing: masked frames out, unmasked frames in.
 */
final class RawWebSocket implements AutoCloseable {

    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String response;
    private long bytesRead;

    /** A frame as received; for a close frame, {@link #closeCode()} tells the code. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        }
    }

    /**
     * Connects and upgrades. {@code receiveBuffer} bytes of socket receive buffer (set before connecting, so that the
     * TCP window stays that small): a small one makes a client that stops reading back up the server quickly.
     */
    RawWebSocket(URI uri, int receiveBuffer) throws IOException {
        this(uri, receiveBuffer, null, "");
    }

    /**
     * Connects from {@code localAddress} (on Linux any 127.x.y.z is loopback: a second client address), {@code null}
     * for any, and upgrades with {@code extraHeaders} (each line ending in CRLF) added to the request.
     */
    RawWebSocket(URI uri, int receiveBuffer, String localAddress, String extraHeaders) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        response = readHeaders();
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response);
        }
        if (!response.toLowerCase().contains("sec-websocket-accept: " + WebSocketAccept.of(key).toLowerCase())) {
            throw new IOException("bad Sec-WebSocket-Accept in " + response);
        }
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            headers.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one final, masked frame with any payload, valid UTF-8 or not. */
    void send(int opcode, byte[] payload) throws IOException {
        sendFrame(FIN | opcode, payload);
    }

    /**
     * Sends one masked frame whose first byte is {@code head}: {@link #FIN}, the RSV bits and the opcode, so that a
     * fragment ({@link #CONTINUATION}, no {@code FIN}) or a frame marked compressed ({@link #RSV1}) can be sent.
     */
    synchronized void sendFrame(int head, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(head);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next frame (continuations joined), or {@code null} at end of stream. */
    Frame read() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int second = readByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = (long) readByte() << 8 | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = length << 8 | readByte();
                }
            }
            byte[] mask = null;
            if ((second & 0x80) != 0) {
                mask = in.readNBytes(4);
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException("frame cut short");
            }
            bytesRead += 2 + length;
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            int frameOpcode = first & 0x0F;
            if (frameOpcode >= CLOSE) {
                if (frameOpcode == PING) {
                    send(PONG, payload);
                    continue;
                }
                return new Frame(frameOpcode, payload);
            }
            if (opcode < 0) {
                opcode = frameOpcode;
            }
            message.write(payload);
            if ((first & 0x80) != 0) {
                return new Frame(opcode, message.toByteArray());
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    /** The next text frame's text, skipping nothing: fails on anything else. */
    String readText() throws IOException {
        Frame frame = read();
        if (frame == null || frame.opcode() != TEXT) {
            throw new IOException("expected a text frame, got " + (frame == null ? "end of stream" : "opcode " + frame.opcode()));
        }
        return frame.text();
    }

    /**
     * Reads everything until the server's close frame or the end of the stream.
     *
     * @return the close code, 1006 if the stream ended without a close frame
     */
    int drainUntilClose(long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        socket.setSoTimeout((int) Math.max(1, timeoutMillis));
        try {
            while (System.currentTimeMillis() < deadline) {
                Frame frame = read();
                if (frame == null) {
                    return 1006;
                }
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no close within " + timeoutMillis + " ms", e);
        } catch (IOException reset) {
            return 1006;
        }
        throw new IOException("no close within " + timeoutMillis + " ms");
    }

    /** The server's answer to the upgrade: status line and headers. */
    String upgradeResponse() {
        return response;
    }

    long bytesRead() {
        return bytesRead;
    }

    void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package io.multistudio.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.testsupport.WebSocketAccept;

/**
 * A WebSocket server that answers the handshake and {@code HELLO}, then says nothing (unless it pings, or answers the
 * client's pings) and never closes: a server the network silently lost, as far as the client can tell. It answers a
 * close frame or {@code BYE} by closing, so that a test can end its client. One thread per connection: test code.
 */
final class QuietServer implements AutoCloseable {

    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every HELLO received, in order. */
    final List<JsonNode> hellos = new CopyOnWriteArrayList<>();
    /** The pings received from clients. */
    final AtomicInteger clientPings = new AtomicInteger();

    private final ServerSocket listener;
    private final boolean answerPings;
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** A server that pings each connection every {@code pingEvery} (null: never), and answers pings or not. */
    QuietServer(Duration pingEvery, boolean answerPings) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answerPings = answerPings;
        if (pingEvery != null) {
            pinger.scheduleAtFixedRate(() -> sockets.forEach(socket -> write(socket, PING, new byte[0])),
                    pingEvery.toMillis(), pingEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        Thread acceptor = new Thread(this::accept, "quiet-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/ws");
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread reader = new Thread(() -> serve(socket), "quiet-server-connection");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            handshake(in, socket.getOutputStream());
            sockets.add(socket);
            while (true) {
                int head = in.readUnsignedByte();
                byte[] payload = readMaskedPayload(in);
                switch (head & 0x0F) {
                    case TEXT -> answer(socket, JSON.readTree(new String(payload, StandardCharsets.UTF_8)));
                    case PING -> {
                        clientPings.incrementAndGet();
                        if (answerPings) {
                            write(socket, PONG, payload);
                        }
                    }
                    case CLOSE -> {
                        write(socket, CLOSE, payload);
                        return;
                    }
                    default -> {
                        // A pong to the server's ping: nothing to do.
                    }
                }
            }
        } catch (IOException gone) {
            // The client aborted the connection.
        } finally {
            sockets.remove(socket);
        }
    }

    /** HELLO gets a fresh session, or the resumed one when it carries a token; BYE closes; the rest is ignored. */
    private void answer(Socket socket, JsonNode request) throws IOException {
        String kind = request.path("kind").asText();
        if ("HELLO".equals(kind)) {
            hellos.add(request);
            boolean resumed = request.has("reconnect_token");
            String hello = "{\"kind\":\"HELLO\",\"rid\":" + request.path("rid") + ",\"user\":{\"id\":\"u1\","
                    + "\"name\":\"Quiet\",\"data\":{}},\"reconnected\":" + resumed + ",\"reconnect_token\":\"token-"
                    + hellos.size() + "\"}";
            write(socket, TEXT, hello.getBytes(StandardCharsets.UTF_8));
        } else if ("BYE".equals(kind)) {
            write(socket, CLOSE, new byte[] {0x03, (byte) 0xE8});
            socket.close();
        }
    }

    private static void handshake(DataInputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            request.write(in.readUnsignedByte());
        }
        String key = request.toString(StandardCharsets.ISO_8859_1).lines()
                .filter(line -> line.toLowerCase().startsWith("sec-websocket-key:"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElseThrow();
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocketAccept.of(key) + "\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The payload of a client frame, which is always masked (RFC 6455 §5.3). */
    private static byte[] readMaskedPayload(DataInputStream in) throws IOException {
        long length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes((int) length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return payload;
    }

    /** One final, unmasked frame (server frames are never masked); short payloads only. */
    private static void write(Socket socket, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else {
            frame.write(126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xFF);
        }
        frame.writeBytes(payload);
        synchronized (socket) {
            try {
                socket.getOutputStream().write(frame.toByteArray());
            } catch (IOException gone) {
                // Closed meanwhile: the reader ends the connection.
            }
        }
    }

    @Override
    public void close() throws IOException {
        pinger.shutdownNow();
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

package io.multistudio.bench;

import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

/**
 * One client connection of the load generator, on Vert.x's WebSocket client. Everything runs on the generator's single
 * event loop, so nothing here is locked.
 * <p>
 * Received {@code MESSAGE} frames can take a hot path ({@link #onMessage}) that reads only the send timestamp from the
 * bytes, so that the generator spends as little as possible per delivery. Every other frame is parsed: its {@code seq}
 * is tracked and it completes the oldest waiter for its kind, or goes to {@link #onOther}.
 * <p>
 * Why not our Java client ({@code io.multistudio.client}), which the tests use: the generator holds up to 10,000
 * connections in one JVM pinned to one core, and each Java client runs on a thread of its own and decodes every frame
 * into records. With 1,000 Java clients connected (200 in one room, 50 messages fanned out) 624 client threads were
 * alive, one per client that had received anything in the last 10 s, and the client-side objects alone took about
 * 5 KB per client; here every connection shares the one event loop and a {@code MESSAGE} costs a prefix check and
 * one number read. docs/benchmarks.md has the measurement.
 */
final class Conn {

    private static final byte[] MESSAGE_PREFIX = "{\"kind\":\"MESSAGE\"".getBytes();

    final WebSocket ws;
    String userId;
    String token;
    long lastSeq;
    boolean closed;
    short closeCode;
    /** Hot path for MESSAGE frames; when null they are parsed like everything else. */
    Consumer<Buffer> onMessage;
    Consumer<JsonObject> onOther = ignored -> {
    };
    Runnable onClose = () -> {
    };
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    private Conn(WebSocket ws) {
        this.ws = ws;
        ws.handler(this::received);
        ws.closeHandler(ignored -> {
            closed = true;
            Short code = ws.closeStatusCode();
            closeCode = code == null ? 1006 : code;
            Waiter waiter;
            while ((waiter = waiters.poll()) != null) {
                waiter.promise.tryFail("closed with " + closeCode);
            }
            onClose.run();
        });
        ws.exceptionHandler(ignored -> {
        });
    }

    static Future<Conn> open(WebSocketClient client, int port) {
        return client.connect(port, "127.0.0.1", "/ws").map(Conn::new);
    }

    /** Sends {@code json} and waits for the next frame of one of {@code kinds}; an error frame fails the future. */
    Future<JsonObject> request(String json, String... kinds) {
        Future<JsonObject> answer = await(kinds);
        ws.writeTextMessage(json);
        return answer;
    }

    Future<JsonObject> await(String... kinds) {
        Promise<JsonObject> promise = Promise.promise();
        if (closed) {
            promise.fail("closed with " + closeCode);
        } else {
            waiters.add(new Waiter(kinds, promise));
        }
        return promise.future();
    }

    Future<JsonObject> hello(String name) {
        return request("{\"kind\":\"HELLO\",\"name\":\"" + name + "\"}", "HELLO").onSuccess(this::helloDone);
    }

    void helloDone(JsonObject hello) {
        userId = hello.getJsonObject("user").getString("id");
        token = hello.getString("reconnect_token");
    }

    void send(String json) {
        ws.writeTextMessage(json);
    }

    Future<Void> close(int code) {
        return ws.close((short) code);
    }

    private void received(Buffer frame) {
        if (onMessage != null && startsWith(frame, MESSAGE_PREFIX)) {
            onMessage.accept(frame);
            return;
        }
        JsonObject message = new JsonObject(frame);
        Long seq = message.getLong("seq");
        if (seq != null && seq > lastSeq) {
            lastSeq = seq;
        }
        String kind = message.getString("kind");
        Waiter waiter = waiters.peek();
        if (waiter != null) {
            if (message.containsKey("why")) {
                waiters.poll();
                waiter.promise.fail(message.encode());
                return;
            }
            for (String expected : waiter.kinds) {
                if (expected.equals(kind)) {
                    waiters.poll();
                    waiter.promise.complete(message);
                    return;
                }
            }
        }
        onOther.accept(message);
    }

    private static boolean startsWith(Buffer frame, byte[] prefix) {
        if (frame.length() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (frame.getByte(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The number after {@code "key":} in {@code frame}, or -1; {@code key} is given with its quotes and colon. */
    static long longField(Buffer frame, byte[] key) {
        int length = frame.length();
        outer:
        for (int i = 0; i <= length - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (frame.getByte(i + j) != key[j]) {
                    continue outer;
                }
            }
            long value = 0;
            int k = i + key.length;
            boolean any = false;
            while (k < length) {
                byte b = frame.getByte(k);
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
                any = true;
                k++;
            }
            return any ? value : -1;
        }
        return -1;
    }

    private record Waiter(String[] kinds, Promise<JsonObject> promise) {
    }
}

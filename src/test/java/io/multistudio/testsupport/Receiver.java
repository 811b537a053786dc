package io.multistudio.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on loopback, standing for the application's backend: it records every request and answers
 * with what the test tells it. It can go down (connections refused) and come back on the same port.
 */
public final class Receiver implements AutoCloseable {

    /** A request as received: the raw body and the headers, names in lower case. */
    public record Received(Map<String, String> headers, String body, long at) {
    }

    /** What to answer; {@link #HANG} answers nothing and leaves the request open. */
    public record Answer(int status, String body) {
        public static final Answer HANG = new Answer(0, null);

        public static Answer ok(String body) {
            return new Answer(200, body);
        }
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<HttpExchange> hanging = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Answer> answers = request -> Answer.ok("{}");
    private volatile HttpServer server;

    private Receiver(int port) {
        this.port = port;
    }

    /** Starts a receiver on a free loopback port. */
    public static Receiver start() {
        Receiver receiver = new Receiver(Loopback.freePort());
        receiver.up();
        return receiver;
    }

    public String url() {
        return "http://" + Loopback.HOST + ":" + port + "/hook";
    }

    public void answer(Function<Received, Answer> answering) {
        this.answers = answering;
    }

    /** Every request received so far, in arrival order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    /** Listens again on the same port. */
    public synchronized void up() {
        if (server != null) {
            return;
        }
        try {
            HttpServer started = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Loopback.HOST), port), 0);
            started.setExecutor(Executors.newCachedThreadPool());
            started.createContext("/", this::handle);
            started.start();
            server = started;
        } catch (IOException e) {
            throw new UncheckedIOException("Receiver could not listen on " + port, e);
        }
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        hanging.forEach(HttpExchange::close);
        hanging.clear();
    }

    @Override
    public void close() {
        down();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                String.join(",", values)));
        Received request = new Received(Map.copyOf(headers),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), System.currentTimeMillis());
        received.add(request);
        Answer answer = answers.apply(request);
        if (answer.status() == 0) {
            hanging.add(exchange);
            return;
        }
        byte[] body = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}

package io.multistudio.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy to a server whose connections can be frozen: from then on they carry nothing either way, yet stay open,
 * as through a network that silently died. Connections opened afterwards are carried as usual. One thread per
 * direction of each connection: test code.
 */
final class FreezingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final URI target;
    private final List<Link> links = new CopyOnWriteArrayList<>();

    /** Proxies to the host and port of {@code target}, a {@code ws:} URI. */
    FreezingProxy(URI target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::accept, "freezing-proxy");
    }

    /** {@code target} through the proxy. */
    URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + target.getRawPath());
    }

    /** Freezes every connection open now. */
    void freeze() {
        links.forEach(link -> link.frozen = true);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Link link = new Link(listener.accept(), new Socket(target.getHost(), target.getPort()));
                links.add(link);
                start(() -> link.pump(link.client, link.server), "freezing-proxy-up");
                start(() -> link.pump(link.server, link.client), "freezing-proxy-down");
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Link link : links) {
            link.close();
        }
    }

    /** One proxied connection. */
    private static final class Link {

        final Socket client;
        final Socket server;
        /** Once set, what arrives is read and dropped: neither end hears from the other again. */
        volatile boolean frozen;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[8192];
            // Not closed by a try-with-resources: closing a socket's stream closes the socket, and a frozen one stays.
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (!frozen) {
                        out.write(buffer, 0, read);
                    }
                }
            } catch (IOException closed) {
                // One end went away.
            } finally {
                if (!frozen) {
                    close();
                }
            }
        }

        void close() {
            try (client; server) {
                // Both closed.
            } catch (IOException ignored) {
                // Nothing left to do with them.
            }
        }
    }
}

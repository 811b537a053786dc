package io.multistudio.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** Everything the harness starts listens on loopback only, on ports that were free when asked for. */
final class Loopback {

    static final String HOST = "127.0.0.1";

    private static final int MAX_PORT = 65_535;

    private Loopback() {
    }

    /** A port free right now, so that concurrent test runs on one machine don't collide. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, address())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    /** A free port {@code p} such that {@code p + offset} is free as well. */
    static int freePortWithCompanion(int offset) {
        while (true) {
            int port = freePort();
            if (port + offset <= MAX_PORT && isFree(port + offset)) {
                return port;
            }
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, address())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress address() throws UnknownHostException {
        return InetAddress.getByName(HOST);
    }
}

package io.multistudio.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports that are free right now, so parallel test runs on one machine don't collide. */
final class FreePorts {

    private static final int MAX_PORT = 65_535;

    private FreePorts() {
    }

    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    /** A free port {@code p} such that {@code p + offset} is free as well. */
    static int nextWithCompanion(int offset) {
        while (true) {
            int port = next();
            if (port + offset <= MAX_PORT && isFree(port + offset)) {
                return port;
            }
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

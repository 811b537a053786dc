package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.Wire;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.websockets.next.OpenConnections;

/**
 * With the heartbeat off, the HTTP idle timeout ({@code quarkus.http.idle-timeout}) is what closes a connection on
 * which nothing happens, while its batches still go out as one write each: the idle handler sees them.
 */
@QuarkusTest
@TestProfile(IdleTimeoutTest.HeartbeatOff.class)
class IdleTimeoutTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    public static class HeartbeatOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.heartbeat-interval", "0", "quarkus.http.idle-timeout",
                    IDLE_TIMEOUT.toSeconds() + "s");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    OpenConnections sockets;

    @Test
    void aConnectionOnWhichNothingHappensIsClosedAfterTheIdleTimeout() {
        try (Wire silent = Wire.hello(uri, "Silent")) {
            // Not at once: its HELLO answer, just received, was written less than the idle timeout ago (a quarter of
            // it leaves room for a test thread that a loaded machine lets run late).
            await().atLeast(IDLE_TIMEOUT.dividedBy(4)).atMost(Wire.TIMEOUT).until(silent::isClosed);
        }
    }

    @Test
    void aListenerStaysWhileTheServerWritesToItInBatchesTheIdleHandlerSees() {
        String room = "idle-" + UUID.randomUUID().toString().substring(0, 8);
        ScheduledExecutorService sending = Executors.newSingleThreadScheduledExecutor();
        try (Wire sender = Wire.hello(uri, "Sender"); Wire listener = Wire.hello(uri, "Listener")) {
            sender.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            listener.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            assertThat(sockets.listAll()).filteredOn(socket -> socket.isOpen()).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(socket -> {
                ChannelHandlerContext vertx = WebSocketWire.vertxSocket(socket).channelHandlerContext();
                assertThat(vertx.pipeline().get(IdleStateHandler.class)).isNotNull();
                assertThat(WebSocketWire.batchEntry(vertx)).isSameAs(vertx);
            });
            AtomicInteger sent = new AtomicInteger();
            sending.scheduleAtFixedRate(() -> sender.send("{\"kind\":\"SEND\",\"data\":{\"n\":"
                    + sent.incrementAndGet() + "}}"), 0, IDLE_TIMEOUT.toMillis() / 8, TimeUnit.MILLISECONDS);

            await().during(IDLE_TIMEOUT.multipliedBy(3)).atMost(Wire.TIMEOUT).until(() -> !listener.isClosed());
            assertThat(listener.next().path("kind").asText()).isEqualTo("MESSAGE");
            assertThat(listener.pending()).isPositive();

            // Once the writes stop, the listener is idle too: the idle handler was there all along.
            sending.shutdownNow();
            await().atMost(Wire.TIMEOUT).until(listener::isClosed);
        } finally {
            sending.shutdownNow();
        }
    }
}

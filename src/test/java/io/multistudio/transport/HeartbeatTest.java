package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.observability.ServerMetrics;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.quarkus.websockets.next.CloseReason;

/** One heartbeat round: who is pinged, who is dropped as lost. */
class HeartbeatTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    private final LocalConnections connections = new LocalConnections();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Heartbeat heartbeat = new Heartbeat(connections, new ServerMetrics(registry), TIMEOUT);

    @Test
    void aConnectionThatSentNothingForTheTimeoutIsDroppedAndTheOthersArePinged() {
        RecordingWire silentWire = new RecordingWire(true);
        RecordingWire talkingWire = new RecordingWire(true);
        Connection silent = open(silentWire, "silent");
        Connection talking = open(talkingWire, "talking");
        await().until(() -> System.nanoTime() != silent.heardAt());
        talking.heard();

        heartbeat.sweep(silent.heardAt() + TIMEOUT.toNanos() + 1);

        assertThat(silentWire.aborted).isTrue();
        assertThat(silentWire.pings).hasValue(0);
        assertThat(talkingWire.aborted).isFalse();
        assertThat(talkingWire.pings).hasValue(1);
        assertThat(registry.counter("multistudio.heartbeat.timeouts").count()).isEqualTo(1);
    }

    @Test
    void aConnectionWithinTheTimeoutIsPingedEveryRound() {
        RecordingWire wire = new RecordingWire(true);
        Connection connection = open(wire, "quiet");

        heartbeat.sweep(connection.heardAt() + TIMEOUT.toNanos() / 2);
        heartbeat.sweep(connection.heardAt() + TIMEOUT.toNanos());

        assertThat(wire.pings).hasValue(2);
        assertThat(wire.aborted).isFalse();
    }

    @Test
    void aConnectionWhoseMessagesWaitToBeHandledIsNotDropped() {
        RecordingWire wire = new RecordingWire(true);
        Connection busy = open(wire, "busy");
        wire.socket.writeInbound(new TextWebSocketFrame("{\"kind\":\"PING\"}"));

        heartbeat.sweep(busy.heardAt() + TIMEOUT.toNanos() + 1);

        assertThat(wire.aborted).isFalse();
        busy.inbound().handled();
        heartbeat.sweep(busy.heardAt() + TIMEOUT.toNanos() + 1);
        assertThat(wire.aborted).isTrue();
    }

    @Test
    void aClosingConnectionIsNotPinged() {
        RecordingWire wire = new RecordingWire(true);
        Connection connection = open(wire, "leaving");
        connection.close(new CloseReason(1000));

        heartbeat.sweep(connection.heardAt());

        assertThat(wire.pings).hasValue(0);
    }

    private Connection open(RecordingWire wire, String id) {
        Connection connection = wire.connection(id);
        connections.add(connection);
        return connection;
    }
}

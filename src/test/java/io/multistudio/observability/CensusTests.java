package io.multistudio.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.multistudio.cluster.NodeRegistry.NodeLease;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.room.Room;
import io.multistudio.session.Session;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The census counts rooms and sessions in grace without reading them, and must count what a full read of the shared
 * state finds: every room, and every session that no live node carries. Run once per engine, since each counts its
 * own way. Leases are renewed every 4 seconds, so the census may trail by one renewal; the gauges, by one census.
 */
abstract class CensusTests {

    private static final Duration SETTLED = Duration.ofSeconds(30);
    private static final Duration READ = Duration.ofSeconds(10);

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    ClusterCensus census;

    @Inject
    Engine engine;

    @Inject
    MeterRegistry registry;

    private SharedMap<NodeLease> leases;
    private SharedMap<Session> sessions;
    private SharedMap<Room> rooms;

    /** The engine's own maps, only read here: the lifespan given matters to writes alone. */
    @BeforeEach
    void readTheStore() {
        leases = engine.map("nodes", NodeLease.class, lease -> Engine.IMMORTAL);
        sessions = engine.map("sessions", Session.class, session -> Engine.IMMORTAL);
        rooms = engine.map("rooms", Room.class, room -> Engine.IMMORTAL, Engine.Expiry.SILENT);
    }

    @Test
    void roomsAndSessionsInGraceAreWhatAFullReadFinds() {
        String prefix = "census-" + UUID.randomUUID() + "-";
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cleo = Wire.hello(uri, "Cleo")) {
            assertThat(ada.request(createRoom(prefix + "a")).path("kind").asText()).isEqualTo("JOINED_ROOM");
            assertThat(bob.request(createRoom(prefix + "b")).path("kind").asText()).isEqualTo("JOINED_ROOM");
            String bobId = bob.helloAnswer().path("user").path("id").asText();
            bob.drop();
            cleo.close(1000);

            await().atMost(SETTLED).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Read read = read();
                assertThat(read.inGrace()).as("sessions in grace").extracting(Session::id).contains(bobId);
                assertThat(read.rooms()).as("rooms").isGreaterThanOrEqualTo(2);
                ClusterCensus.Census taken = census.take().await().atMost(READ);
                assertThat(taken.sessionsInGrace()).as("sessions in grace").isEqualTo(read.inGrace().size());
                assertThat(taken.rooms()).as("rooms").isEqualTo(read.rooms());
            });
            await().atMost(SETTLED.plus(ClusterCensus.INTERVAL)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        ClusterCensus.Census taken = census.take().await().atMost(READ);
                        assertThat(registry.get("multistudio.rooms").gauge().value()).isEqualTo(taken.rooms());
                        assertThat(registry.get("multistudio.sessions.grace").gauge().value())
                                .isEqualTo(taken.sessionsInGrace());
                    });
        }
    }

    /** What a full read of the shared state finds: the census's definition, counted the slow way. */
    private Read read() {
        Set<String> live = leases.values().await().atMost(READ).stream().map(NodeLease::id)
                .collect(Collectors.toSet());
        List<Session> inGrace = sessions.values().await().atMost(READ).stream()
                .filter(session -> !session.connected()
                        || !live.contains(session.connection().substring(0, session.connection().indexOf('/'))))
                .toList();
        return new Read(inGrace, rooms.values().await().atMost(READ).size());
    }

    private static String createRoom(String id) {
        return "{\"kind\":\"CREATE_ROOM\",\"room\":\"" + id + "\"}";
    }

    private record Read(List<Session> inGrace, long rooms) {
    }
}

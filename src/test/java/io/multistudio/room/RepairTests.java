package io.multistudio.room;

import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.id;
import static io.multistudio.room.RoomTests.newRoomId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.dispatch.Departure;
import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.session.Session;
import io.multistudio.testsupport.FailingEngine;
import io.multistudio.testsupport.FailingStoreProfile;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The repair sweep removes what a room that is gone left beside it (as a node that died between deleting the room and
 * removing them leaves them), and keeps what a live room needs. A connection lost while the store fails to detach its
 * session leaves no ghost member: the detach is tried again (one the store applied but answered with a failure counts
 * as done), so is its {@code USER_AWAY}, and if every try fails the sweep finds the session attached to a connection
 * of this node that is closed and puts it into grace, so that its room sees it away and, once the grace ran out, gone.
 * Run once per engine.
 */
abstract class RepairTests {

    private static final Duration STORE_CALL = Duration.ofSeconds(10);

    /** The failing engine, a 2 s grace, and no periodic sweep: the tests sweep themselves, when they choose. */
    public static class Sweeping extends FailingStoreProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.reconnect-grace", "2s", "multistudio.repair-interval", "0");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Engine engine;

    @Inject
    Repair repair;

    @Test
    void theHeadAndIndexEntryOfARoomThatIsGoneAreRemovedAndThoseOfALiveRoomKept() {
        SharedMap<RoomHead> heads = engine.map("heads", RoomHead.class, head -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        SharedMap<ServerMessage.MultiRoom> listed = engine.map("listed", ServerMessage.MultiRoom.class,
                entry -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        SharedMap<Room> rooms = engine.map("rooms", Room.class, room -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        String gone = newRoomId();
        String goneInstance = gone + "-" + UUID.randomUUID();
        listed.put(gone, new ServerMessage.MultiRoom(gone, gone, "nobody", 16, true, false, null, 1,
                System.currentTimeMillis())).await().atMost(STORE_CALL);
        heads.put(goneInstance, new RoomHead(goneInstance, 42)).await().atMost(STORE_CALL);

        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            String live = newRoomId();
            gather(live, ada, bob);
            Room room = rooms.get(live).await().atMost(STORE_CALL);
            heads.put(room.instance(), new RoomHead(room.instance(), room.seq())).await().atMost(STORE_CALL);

            // Only what two sweeps in a row found is removed: the sweeps go on until it is.
            await("the entries of the room that is gone to be removed").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> {
                        repair.sweep().await().atMost(STORE_CALL);
                        assertThat(listed.get(gone).await().atMost(STORE_CALL)).as("index entry").isNull();
                        assertThat(heads.get(goneInstance).await().atMost(STORE_CALL)).as("head").isNull();
                    });
            assertThat(listed.get(live).await().atMost(STORE_CALL)).as("the live room's index entry").isNotNull();
            assertThat(heads.get(room.instance()).await().atMost(STORE_CALL)).as("the live room's head").isNotNull();
            bob.request("{\"kind\":\"SEND\",\"data\":\"still there\"}");
            assertThat(ada.next().path("data").asText()).isEqualTo("still there");
        }
    }

    @Test
    void aDetachThatFailsOnceIsTriedAgain() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            awayAfterDrop(ada, bob, () -> failing().failSessionUpdates(1));
            assertThat(failing().sessionUpdatesToFail()).as("the failure happened").isZero();
        }
    }

    /**
     * A detach whose answer timed out although the store applied it: the try after it finds the session already in
     * grace, put there by the lost connection itself, and the room must still see the member away.
     */
    @Test
    void aDetachTheStoreAppliedButReportedFailedStillShowsTheMemberAway() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            awayAfterDrop(ada, bob, () -> failing().applySessionUpdatesThenFail(1));
        }
    }

    /** A member closing with 1000 whose end fails once is tried again: the room sees it leave, not expire. */
    @Test
    void anEndThatFailsOnceIsTriedAgain() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            failing().failSessionUpdates(1);
            bob.close(1000);

            JsonNode left = ada.next();
            assertThat(left.path("kind").asText()).as("%s", left).isEqualTo("USER_LEFT");
            assertThat(left.path("user_id").asText()).isEqualTo(id(bob));
            assertThat(left.path("reason").asText()).isEqualTo("left");
            assertThat(failing().sessionUpdatesToFail()).as("the failure happened").isZero();
            assertThat(sessions().get(id(bob)).await().atMost(STORE_CALL)).as("the session").isNull();
        }
    }

    /** The presence event of a lost member that fails to commit is tried again, like the detach before it. */
    @Test
    void aUserAwayThatFailsToCommitIsTriedAgain() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            JsonNode away = awayAfterDrop(ada, bob, () -> failing().failNextClaim(
                    value -> value instanceof RoomEvent event && RoomEvent.USER_AWAY.equals(event.type())));
            JsonNode sent = ada.request("{\"kind\":\"SEND\",\"data\":\"after\"}");
            assertThat(sent.path("seq").asLong()).as("no second USER_AWAY before it").isEqualTo(
                    away.path("seq").asLong() + 1);
        }
    }

    @Test
    void aSessionWhoseDetachKeptFailingIsPutIntoGraceByTheSweepAndExpires() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob"); Wire cy = Wire.hello(uri, "Cy")) {
            gather(newRoomId(), ada, bob, cy);
            String bobId = id(bob);
            failing().failSessionUpdates(1 + Departure.RETRIES);
            bob.drop();
            await("every try of the detach to fail").atMost(Duration.ofSeconds(60))
                    .until(() -> failing().sessionUpdatesToFail() == 0);
            Session ghost = sessions().get(bobId).await().atMost(STORE_CALL);
            assertThat(ghost.connected()).as("still attached to its closed connection").isTrue();

            // A ghost is only put into grace once two sweeps in a row found it: sweep until the room hears of it.
            await("the sweep to put the ghost into grace").atMost(Duration.ofSeconds(60)).until(() -> {
                repair.sweep().await().atMost(STORE_CALL);
                return ada.pending() > 0;
            });
            JsonNode away = ada.next();
            assertThat(away.path("kind").asText()).as("%s", away).isEqualTo("USER_AWAY");
            assertThat(away.path("user_id").asText()).isEqualTo(bobId);
            assertThat(cy.next().path("kind").asText()).isEqualTo("USER_AWAY");

            JsonNode left = ada.next();
            assertThat(left.path("kind").asText()).as("%s", left).isEqualTo("USER_LEFT");
            assertThat(left.path("user_id").asText()).isEqualTo(bobId);
            assertThat(left.path("reason").asText()).isEqualTo("expired");
            assertThat(sessions().get(bobId).await().atMost(STORE_CALL)).as("the session after its grace").isNull();

            // The members whose connections are open were swept too, and are still there.
            repair.sweep().await().atMost(STORE_CALL);
            repair.sweep().await().atMost(STORE_CALL);
            assertThat(cy.next().path("kind").asText()).isEqualTo("USER_LEFT");
            JsonNode sent = cy.request("{\"kind\":\"SEND\",\"data\":\"still here\"}");
            JsonNode relayed = ada.next();
            assertThat(relayed.path("kind").asText()).as("%s", relayed).isEqualTo("MESSAGE");
            assertThat(relayed.path("seq")).isEqualTo(sent.path("seq"));
            assertThat(sessions().get(id(cy)).await().atMost(STORE_CALL).connected()).isTrue();
        }
    }

    /** Ada and Bob in a room, {@code fault} armed, Bob's connection dropped: Ada sees Bob away. Yields that event. */
    private static JsonNode awayAfterDrop(Wire ada, Wire bob, Runnable fault) {
        gather(newRoomId(), ada, bob);
        fault.run();
        bob.drop();
        JsonNode away = ada.next();
        assertThat(away.path("kind").asText()).as("%s", away).isEqualTo("USER_AWAY");
        assertThat(away.path("user_id").asText()).isEqualTo(id(bob));
        return away;
    }

    private FailingEngine failing() {
        return (FailingEngine) engine;
    }

    private SharedMap<Session> sessions() {
        return engine.map("sessions", Session.class, session -> Engine.IMMORTAL);
    }
}

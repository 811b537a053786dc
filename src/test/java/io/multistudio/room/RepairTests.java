package io.multistudio.room;

import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.newRoomId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The repair sweep removes what a room that is gone left beside it (as a node that died between deleting the room and
 * removing them leaves them), and keeps what a live room needs. Run once per engine.
 */
abstract class RepairTests {

    private static final Duration STORE_CALL = Duration.ofSeconds(10);

    @TestHTTPResource("/ws")
    URI uri;

    @Inject
    Engine engine;

    @Inject
    Repair repair;

    @Test
    void theHeadAndIndexEntryOfARoomThatIsGoneAreRemovedAndThoseOfALiveRoomKept() {
        SharedMap<RoomHead> heads = engine.map("heads", RoomHead.class, head -> Engine.IMMORTAL);
        SharedMap<ServerMessage.MultiRoom> listed = engine.map("listed", ServerMessage.MultiRoom.class,
                entry -> Engine.IMMORTAL);
        SharedMap<Room> rooms = engine.map("rooms", Room.class, room -> Engine.IMMORTAL);
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
}

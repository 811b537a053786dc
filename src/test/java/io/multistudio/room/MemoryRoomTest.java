package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;

/** Room rules on the embedded memory engine. */
@QuarkusTest
class MemoryRoomTest extends RoomTests {
}

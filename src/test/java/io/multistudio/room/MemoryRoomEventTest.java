package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;

/** Messages, shared data, order and replay on the embedded memory engine. */
@QuarkusTest
class MemoryRoomEventTest extends RoomEventTests {
}

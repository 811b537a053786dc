package io.multistudio.room;

import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Messages, shared data, order and replay with rooms, sessions and history held in a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanRoomEventTest extends RoomEventTests {
}

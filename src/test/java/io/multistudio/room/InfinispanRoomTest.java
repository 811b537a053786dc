package io.multistudio.room;

import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Room rules with rooms, sessions and history held in a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanRoomTest extends RoomTests {
}

package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The repair sweep on the embedded memory engine. */
@QuarkusTest
@TestProfile(RepairTests.Sweeping.class)
class MemoryRepairTest extends RepairTests {
}

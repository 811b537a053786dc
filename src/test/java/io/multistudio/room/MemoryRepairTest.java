package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;

/** The repair sweep on the embedded memory engine. */
@QuarkusTest
class MemoryRepairTest extends RepairTests {
}

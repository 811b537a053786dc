package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;

/** Room history on the embedded memory engine. */
@QuarkusTest
class MemoryHistoryTest extends HistoryTests {
}

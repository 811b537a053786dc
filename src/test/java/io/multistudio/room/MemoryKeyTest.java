package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;

/** Idempotent requests on the embedded memory engine. */
@QuarkusTest
class MemoryKeyTest extends KeyTests {
}

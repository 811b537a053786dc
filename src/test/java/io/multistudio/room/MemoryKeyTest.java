package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Idempotent requests on the embedded memory engine. */
@QuarkusTest
@TestProfile(KeyLifeTests.ShortGrace.class)
class MemoryKeyTest extends KeyLifeTests {
}

package io.multistudio.observability;

import io.quarkus.test.junit.QuarkusTest;

/** The census on the memory engine. */
@QuarkusTest
class MemoryCensusTest extends CensusTests {
}

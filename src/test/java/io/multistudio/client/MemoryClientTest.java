package io.multistudio.client;

import io.quarkus.test.junit.QuarkusTest;

/** The Java client against the server on the memory engine. */
@QuarkusTest
class MemoryClientTest extends ClientTests {
}

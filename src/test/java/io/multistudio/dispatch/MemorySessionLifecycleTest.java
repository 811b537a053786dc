package io.multistudio.dispatch;

import io.quarkus.test.junit.QuarkusTest;

/** Session rules on the embedded memory engine, the default without Infinispan. */
@QuarkusTest
class MemorySessionLifecycleTest extends SessionLifecycleTests {
}

package io.multistudio.ws;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Idempotent requests with the keys held in a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanKeyTest extends KeyTests {
}

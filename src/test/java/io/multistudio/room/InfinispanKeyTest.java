package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;
import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.TestProfile;

/** Idempotent requests with the keys held in a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanKeyTest extends KeyTests {
}

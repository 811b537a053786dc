package io.multistudio.dispatch;

import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Session rules with sessions held in a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanSessionLifecycleTest extends SessionLifecycleTests {
}

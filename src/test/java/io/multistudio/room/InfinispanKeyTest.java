package io.multistudio.room;

import java.util.List;

import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Idempotent requests with the keys held in a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanKeyTest.ShortGraceOnInfinispan.class)
class InfinispanKeyTest extends KeyLifeTests {

    public static class ShortGraceOnInfinispan extends ShortGrace {
        @Override
        public List<TestResourceEntry> testResources() {
            return new InfinispanProfile().testResources();
        }
    }
}

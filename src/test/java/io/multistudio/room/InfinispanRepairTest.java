package io.multistudio.room;

import java.util.List;

import io.multistudio.testsupport.InfinispanTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The repair sweep on a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanRepairTest.OnInfinispan.class)
class InfinispanRepairTest extends RepairTests {

    public static class OnInfinispan extends RepairTests.Sweeping {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(InfinispanTestResource.class));
        }
    }
}

package io.multistudio.room;

import io.quarkus.test.junit.QuarkusTest;
import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.TestProfile;

/** Room history read from a real Infinispan server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanHistoryTest extends HistoryTests {
}

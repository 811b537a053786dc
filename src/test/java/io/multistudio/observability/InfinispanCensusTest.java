package io.multistudio.observability;

import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The census on the Infinispan engine, against a real server. */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class InfinispanCensusTest extends CensusTests {
}

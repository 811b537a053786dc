package io.multistudio.testsupport;

import java.util.List;

import io.multistudio.testsupport.InfinispanTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/** Runs the server on the Infinispan engine, against the real server the test run started. */
public class InfinispanProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(InfinispanTestResource.class));
    }
}

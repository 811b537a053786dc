package io.multistudio.testsupport;

import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Runs the server on the {@link FailingEngine}; subclasses add the settings their faults need. */
public class FailingStoreProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(FailingEngine.class);
    }
}

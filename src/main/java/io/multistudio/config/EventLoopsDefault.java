package io.multistudio.config;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One Vert.x event loop per CPU unless {@code quarkus.vertx.event-loops-pool-size} is set. Quarkus starts one per CPU
 * too, but at least two: on one CPU (a container limited to one) the two loops take turns on it. Every connection's
 * work stays on its own loop and never blocks it, so a second loop brings nothing there but the turns: in a fan-out
 * sweep the application's threads waited for the CPU 45–70% of the time with two loops, 2–8% with one
 * (docs/benchmarks.md). The CPU count is read when the value is, at run time, so that a native image counts the CPUs
 * of where it runs, not of where it was built; a container's CPU limit counts as its CPUs.
 */
public class EventLoopsDefault implements ConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";
    /** Below every source a user sets (application.properties is 250, the environment 300). */
    private static final int ORDINAL = 50;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, getValue(PROPERTY));
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTY.equals(propertyName) ? Integer.toString(Runtime.getRuntime().availableProcessors()) : null;
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }

    @Override
    public String getName() {
        return "MultiStudio defaults";
    }
}

package io.multistudio.testsupport;

import java.time.Duration;

import io.multistudio.config.MultiStudioConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The server's configuration with its defaults, for tests that build services without booting Quarkus. */
public final class TestConfig {

    private TestConfig() {
    }

    /** Every setting at its default, except the given {@code name=value} pairs (full property names). */
    public static MultiStudioConfig with(String... properties) {
        // Durations as Quarkus writes them ("5s"), not only ISO-8601.
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(MultiStudioConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter());
        for (String property : properties) {
            int equals = property.indexOf('=');
            builder.withDefaultValue(property.substring(0, equals), property.substring(equals + 1));
        }
        SmallRyeConfig config = builder.build();
        return config.getConfigMapping(MultiStudioConfig.class);
    }
}

package io.multistudio.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * The started application runs one event loop per CPU, from this project's default (Quarkus's own would be the same
 * on this machine's two CPUs, but two on one), and a setting of the property still wins.
 */
@QuarkusTest
class EventLoopsDefaultTest {

    @Inject
    Vertx vertx;

    @Test
    void oneEventLoopPerCpu() {
        MultithreadEventExecutorGroup loops = (MultithreadEventExecutorGroup) ((VertxInternal) vertx)
                .getEventLoopGroup();
        assertThat(loops.executorCount()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ConfigProvider.getConfig().getConfigValue(EventLoopsDefault.PROPERTY).getSourceName())
                .isEqualTo(new EventLoopsDefault().getName());
    }

    @Test
    void aSettingOverridesTheDefault() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EventLoopsDefault())
                .withSources(new PropertiesConfigSource(Map.of(EventLoopsDefault.PROPERTY, "3"), "set", 250))
                .build();
        assertThat(config.getValue(EventLoopsDefault.PROPERTY, Integer.class)).isEqualTo(3);
    }
}

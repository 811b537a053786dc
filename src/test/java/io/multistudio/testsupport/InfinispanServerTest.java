package io.multistudio.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.commons.configuration.StringConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves the harness: a real server that lets an unauthenticated Hot Rod client create and use caches. */
class InfinispanServerTest {

    private static RemoteCacheManager client;
    private static RemoteCache<String, String> cache;

    @BeforeAll
    static void connect() {
        client = new RemoteCacheManager(new ConfigurationBuilder()
                .addServers(InfinispanServer.shared().hotRodAddress())
                .clientIntelligence(ClientIntelligence.BASIC)
                .build());
        // The kind of cache the application creates: distributed, although the test server is a cluster of one.
        cache = client.administration().getOrCreateCache("harness-check", new StringConfiguration(
                "<distributed-cache><encoding media-type=\"application/x-protostream\"/></distributed-cache>"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void storesAndReadsValues() {
        cache.put("greeting", "hello");

        assertThat(cache.get("greeting")).isEqualTo("hello");
    }

    @Test
    void expiresEntriesAfterTheirLifespan() {
        cache.put("short-lived", "soon gone", 2, TimeUnit.SECONDS);

        assertThat(cache.getWithMetadata("short-lived").getLifespan()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("short-lived") == null);
    }

    @Test
    void reusesOneServerPerTestRun() {
        InfinispanServer server = InfinispanServer.shared();

        assertThat(InfinispanServer.shared()).isSameAs(server);
        assertThat(server.isRunning()).isTrue();
        assertThatThrownBy(server::kill).isInstanceOf(UnsupportedOperationException.class);
    }
}

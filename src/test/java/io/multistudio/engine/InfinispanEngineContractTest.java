package io.multistudio.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.commons.configuration.StringConfiguration;
import org.infinispan.commons.marshall.ProtoStreamMarshaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.multistudio.engine.infinispan.InfinispanEngine;
import io.multistudio.protocol.Codec;
import io.multistudio.testsupport.InfinispanServer;

/** The contract against a real Infinispan server, through a client set up like the one Quarkus builds. */
class InfinispanEngineContractTest extends SharedMapContract {

    private static RemoteCacheManager cacheManager;
    private static InfinispanEngine engine;

    @BeforeAll
    static void connect() {
        cacheManager = new RemoteCacheManager(new ConfigurationBuilder()
                .addServers(InfinispanServer.shared().hotRodAddress())
                // The client must not follow the topology to the server's cluster addresses.
                .clientIntelligence(ClientIntelligence.BASIC)
                .marshaller(new ProtoStreamMarshaller())
                .build());
        engine = new InfinispanEngine(cacheManager, new Codec().mapper(), Duration.ofSeconds(5));
    }

    @AfterAll
    static void disconnect() {
        engine.close();
        cacheManager.close();
    }

    @Override
    protected Engine engine() {
        return engine;
    }

    @Test
    void aMapWhoseExpiriesNobodyHearsRefusesExpiryListeners() {
        SharedMap<String> silent = engine.map("silent-" + UUID.randomUUID(), String.class,
                value -> Engine.IMMORTAL, Engine.Expiry.SILENT);

        assertThatThrownBy(() -> silent.onExpired(value -> {
        })).isInstanceOf(IllegalStateException.class);
    }

    /** Nodes of an earlier version made every cache with a reaper every second; a newer node uses their caches. */
    @Test
    void aCacheMadeWithAnotherReaperIntervalIsUsedAsItIs() {
        String name = "reaped-" + UUID.randomUUID();
        cacheManager.administration().getOrCreateCache("multistudio-" + name, new StringConfiguration("""
                <distributed-cache owners="2" mode="SYNC">
                  <encoding media-type="application/x-protostream"/>
                  <expiration interval="1000"/>
                </distributed-cache>"""));

        SharedMap<String> map = engine.map(name, String.class, value -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        map.put("key", "value").await().atMost(Duration.ofSeconds(30));

        assertThat(map.get("key").await().atMost(Duration.ofSeconds(30))).isEqualTo("value");
    }
}

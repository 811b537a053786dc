package io.multistudio.engine;

import java.time.Duration;

import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.commons.marshall.ProtoStreamMarshaller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}

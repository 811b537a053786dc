package io.multistudio.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.infinispan.client.hotrod.RemoteCacheManager;

import io.micrometer.core.instrument.DistributionSummary;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.engine.infinispan.InfinispanEngine;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;

/** Chooses the engine from configuration; the Hot Rod client is only created when Infinispan is used. */
@Singleton
class EngineProducer {

    @Produces
    @Singleton
    Engine engine(MultiStudioConfig config, Instance<RemoteCacheManager> cacheManager, Codec codec,
            ServerMetrics metrics) {
        boolean infinispan = switch (config.engine()) {
            case INFINISPAN -> true;
            case MEMORY -> false;
            case AUTO -> config.infinispanHosts().isPresent();
        };
        Engine engine = infinispan
                ? new InfinispanEngine(cacheManager.get(), codec.mapper(), config.storeTimeout(),
                        bytesOf(metrics), metrics.storeRetries(ServerMetrics.RETRY_UPDATE))
                : new MemoryEngine();
        return new MeteredEngine(engine, metrics);
    }

    /** One summary per map and direction, looked up once. */
    private static StoreBytes bytesOf(ServerMetrics metrics) {
        Map<String, DistributionSummary> summaries = new ConcurrentHashMap<>();
        return (map, direction, bytes) -> summaries.computeIfAbsent(map + " " + direction,
                key -> metrics.engineBytes("infinispan", map, direction)).record(bytes);
    }

    void close(@Disposes Engine engine) {
        engine.close();
    }
}

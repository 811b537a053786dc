package io.multistudio.engine.infinispan;

import java.time.Duration;
import java.util.function.Function;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.commons.configuration.StringConfiguration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the shared state in an Infinispan cluster over Hot Rod, so that any node can serve any client and a node's
 * death loses nothing. Each shared map is one distributed cache of JSON strings, created on first use.
 */
public final class InfinispanEngine implements Engine {

    static final String CACHE_PREFIX = "multistudio-";

    /**
     * The reaper runs every second so that expiry (sessions leaving after the grace) is seen promptly instead of at the
     * next access.
     */
    private static final String CACHE_CONFIGURATION = """
            <distributed-cache owners="2" mode="SYNC">
              <encoding media-type="application/x-protostream"/>
              <expiration interval="1000"/>
            </distributed-cache>""";

    /** A key that is never written: reading it is the cheapest round trip that proves the store answers. */
    private static final String PROBE_KEY = "multistudio-probe";

    private final RemoteCacheManager cacheManager;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private volatile InfinispanMap<?> probe;

    /**
     * @param timeout how long an operation may take before the store counts as unavailable
     */
    public InfinispanEngine(RemoteCacheManager cacheManager, ObjectMapper mapper, Duration timeout) {
        this.cacheManager = cacheManager;
        this.mapper = mapper;
        this.timeout = timeout;
        ExpiryListener.registerEventSchema(cacheManager.getMarshaller());
    }

    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
        RemoteCache<String, String> cache = createCache(name);
        InfinispanMap<V> map = new InfinispanMap<>(cache, new JsonValues<>(mapper, type), lifespan, timeout,
                () -> createCache(name));
        probe = map;
        return map;
    }

    @Override
    public Uni<Boolean> available() {
        InfinispanMap<?> map = probe;
        return map == null ? Uni.createFrom().item(cacheManager.isStarted()) : map.ping(PROBE_KEY);
    }

    private RemoteCache<String, String> createCache(String name) {
        return cacheManager.administration()
                .getOrCreateCache(CACHE_PREFIX + name, new StringConfiguration(CACHE_CONFIGURATION));
    }

    @Override
    public String name() {
        return "infinispan";
    }
}

package io.multistudio.engine.infinispan;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.commons.configuration.StringConfiguration;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreBytes;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the shared state in an Infinispan cluster over Hot Rod, so that any node can serve any client and a node's
 * death loses nothing. Each shared map is one distributed cache of JSON strings, created on first use.
 */
public final class InfinispanEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(InfinispanEngine.class);

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
    private final StoreBytes bytes;
    /** How often the store is checked, so that listeners are registered again after it comes back. */
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    private final List<InfinispanMap<?>> maps = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "multistudio-store-watch");
        thread.setDaemon(true);
        return thread;
    });
    private boolean storeWasDown;

    /**
     * @param timeout how long an operation may take before the store counts as unavailable
     */
    public InfinispanEngine(RemoteCacheManager cacheManager, ObjectMapper mapper, Duration timeout) {
        this(cacheManager, mapper, timeout, StoreBytes.NONE);
    }

    /**
     * @param timeout how long an operation may take before the store counts as unavailable
     * @param bytes told the size of every value written to the store and read from it
     */
    public InfinispanEngine(RemoteCacheManager cacheManager, ObjectMapper mapper, Duration timeout,
            StoreBytes bytes) {
        this.bytes = bytes;
        this.cacheManager = cacheManager;
        this.mapper = mapper;
        this.timeout = timeout;
        ExpiryListener.registerEventSchema(cacheManager.getMarshaller());
        watcher.scheduleWithFixedDelay(this::watch, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
        RemoteCache<String, String> cache = createCache(name);
        InfinispanMap<V> map = new InfinispanMap<>(cache, new JsonValues<>(mapper, type, name, bytes), lifespan, timeout,
                () -> createCache(name));
        maps.add(map);
        return map;
    }

    /** Every cache must answer: one that the store lost is as bad as the store being gone. */
    @Override
    public Uni<Boolean> available() {
        if (maps.isEmpty()) {
            return Uni.createFrom().item(cacheManager.isStarted());
        }
        return Uni.join().all(maps.stream().map(map -> map.ping(PROBE_KEY)).toList()).andFailFast()
                .map(answers -> !answers.contains(false));
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }

    /**
     * A store that went away and came back (restarted, or its caches recreated) no longer streams events to this
     * client: the listeners are registered again, so that room events from other nodes flow again.
     */
    private void watch() {
        try {
            boolean up = available().await().atMost(timeout.multipliedBy(2));
            if (!up) {
                storeWasDown = true;
            } else if (storeWasDown) {
                maps.forEach(InfinispanMap::listenAgain);
                storeWasDown = false;
                LOG.info("Infinispan is back: listening for cluster events again");
            }
        } catch (RuntimeException e) {
            // A store half back (caches not ready yet) fails here; the next round tries again.
            storeWasDown = true;
            LOG.debugf("Store check failed: %s", e.getMessage());
        }
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

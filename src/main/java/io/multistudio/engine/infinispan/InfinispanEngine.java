package io.multistudio.engine.infinispan;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * death loses nothing. Each shared map is one distributed cache of JSON strings. A node may start before its store
 * answers (both started together, or the store down): its caches are then created, and their listeners registered,
 * by retries with backoff on the engine's own thread, and until then the node is live but not ready.
 */
public final class InfinispanEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(InfinispanEngine.class);

    static final String CACHE_PREFIX = "multistudio-";

    /** The reaper's interval, in milliseconds, fills in the {@code %d}. */
    private static final String CACHE_CONFIGURATION = """
            <distributed-cache owners="2" mode="SYNC">
              <encoding media-type="application/x-protostream"/>
              <expiration interval="%d"/>
            </distributed-cache>""";
    /**
     * The reaper of a cache whose expiries are listened to runs every second, so that they are seen promptly (a
     * session leaves after its grace) instead of at the next access. Each run looks at every entry of the cache: at
     * 17,000 room events a second, reaping the history every second took 8% of the store's CPU time.
     */
    private static final Duration LISTENED_REAPER = Duration.ofSeconds(1);
    /** An unheard expiry only frees memory: an entry past its lifespan is never read, reaped or not. */
    private static final Duration SILENT_REAPER = Duration.ofMinutes(1);

    /** A key that is never written: reading it is the cheapest round trip that proves the store answers. */
    private static final String PROBE_KEY = "multistudio-probe";

    /** How often the store is checked, so that listeners are registered again after it comes back. */
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);
    /** The wait before trying again to create caches the store did not create; doubled each time, up to the max. */
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final RemoteCacheManager cacheManager;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final CallDeadlines deadlines;
    private final StoreBytes bytes;
    private final Runnable lostUpdate;
    private final List<LazyMap<?>> maps = new CopyOnWriteArrayList<>();
    /** Every blocking call to the store (cache creation, listener registration, the watch) runs on this thread. */
    private final ScheduledExecutorService store = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "multistudio-store-watch");
        thread.setDaemon(true);
        return thread;
    });
    /** Whether the store answered the last cache creation: if not, new maps wait for the retries. */
    private volatile boolean storeAnswers = true;
    /** Used on the store thread only. */
    private Duration retryDelay = FIRST_RETRY;
    /**
     * The store was found gone and this node's listeners are not registered again yet: until they are, the node
     * would miss what the other nodes commit, so it is not ready. Written on the store thread only.
     */
    private volatile boolean storeWasDown;

    /**
     * @param timeout how long an operation may take before the store counts as unavailable
     */
    public InfinispanEngine(RemoteCacheManager cacheManager, ObjectMapper mapper, Duration timeout) {
        this(cacheManager, mapper, timeout, StoreBytes.NONE, () -> {
        });
    }

    /**
     * @param timeout how long an operation may take before the store counts as unavailable
     * @param bytes told the size of every value written to the store and read from it
     * @param lostUpdate told of every versioned update that lost its race and is tried again
     */
    public InfinispanEngine(RemoteCacheManager cacheManager, ObjectMapper mapper, Duration timeout,
            StoreBytes bytes, Runnable lostUpdate) {
        this.bytes = bytes;
        this.lostUpdate = lostUpdate;
        this.cacheManager = cacheManager;
        this.mapper = mapper;
        this.timeout = timeout;
        this.deadlines = new CallDeadlines(timeout);
        ExpiryListener.registerEventSchema(cacheManager.getMarshaller());
        store.schedule(this::watch, WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * While the store answers, the cache is created now, so that a node started with its store is ready at once; one
     * that does not answer within the timeout leaves this map, and every later one, to the retries.
     */
    @Override
    public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan, Expiry expiry) {
        JsonValues<V> json = new JsonValues<>(mapper, type, name, bytes);
        LazyMap<V> map = new LazyMap<>(name, expiry,
                () -> new InfinispanMap<>(createCache(name, expiry), json, lifespan, deadlines,
                        () -> createCache(name, expiry), lostUpdate));
        maps.add(map);
        if (storeAnswers) {
            try {
                store.submit(map::create).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                storeAnswers = false;
                LOG.warnf("Infinispan does not answer (%s): starting without it, not ready until it does",
                        e.getCause() == null ? e : e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                storeAnswers = false;
            }
        }
        return map;
    }

    /**
     * Every cache must exist and answer, one that the store lost being as bad as the store gone, and after an outage
     * this node must be listening again.
     */
    @Override
    public Uni<Boolean> available() {
        return storeWasDown ? Uni.createFrom().item(false) : answers();
    }

    private Uni<Boolean> answers() {
        if (maps.stream().anyMatch(map -> !map.ready())) {
            return Uni.createFrom().item(false);
        }
        if (maps.isEmpty()) {
            return Uni.createFrom().item(cacheManager.isStarted());
        }
        return Uni.join().all(maps.stream().map(map -> map.map().ping(PROBE_KEY)).toList()).andFailFast()
                .map(answers -> !answers.contains(false));
    }

    @Override
    public void close() {
        store.shutdownNow();
        deadlines.close();
    }

    /** One round on the store thread: create the caches still missing, or check the store; then the next round. */
    private void watch() {
        Duration next = WATCH_INTERVAL;
        try {
            List<LazyMap<?>> missing = maps.stream().filter(map -> !map.ready()).toList();
            if (missing.isEmpty()) {
                listenAgainAfterOutage();
            } else if (!create(missing)) {
                next = retryDelay;
                retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
                        : retryDelay.multipliedBy(2);
            }
        } finally {
            if (!store.isShutdown()) {
                store.schedule(this::watch, next.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private boolean create(List<LazyMap<?>> missing) {
        try {
            missing.forEach(LazyMap::create);
            storeAnswers = true;
            retryDelay = FIRST_RETRY;
            LOG.infof("Infinispan answers: caches %s created, listening for cluster events",
                    missing.stream().map(LazyMap::name).toList());
            return true;
        } catch (RuntimeException e) {
            LOG.infof("Infinispan does not answer yet (%s): trying again in %d ms", e.getMessage(),
                    retryDelay.toMillis());
            return false;
        }
    }

    /**
     * A store that went away and came back (restarted, or its caches recreated) no longer streams events to this
     * client: the listeners are registered again, so that room events from other nodes flow again.
     */
    private void listenAgainAfterOutage() {
        try {
            boolean up = answers().await().atMost(timeout.multipliedBy(2));
            if (!up) {
                storeWasDown = true;
            } else if (storeWasDown) {
                maps.forEach(map -> map.map().listenAgain());
                storeWasDown = false;
                LOG.info("Infinispan is back: listening for cluster events again");
            }
        } catch (RuntimeException e) {
            // A store half back (caches not ready yet) fails here; the next round tries again.
            storeWasDown = true;
            LOG.debugf("Store check failed: %s", e.getMessage());
        }
    }

    private RemoteCache<String, String> createCache(String name, Expiry expiry) {
        Duration reaper = expiry == Expiry.LISTENED ? LISTENED_REAPER : SILENT_REAPER;
        return cacheManager.administration().getOrCreateCache(CACHE_PREFIX + name,
                new StringConfiguration(CACHE_CONFIGURATION.formatted(reaper.toMillis())));
    }

    @Override
    public String name() {
        return "infinispan";
    }
}

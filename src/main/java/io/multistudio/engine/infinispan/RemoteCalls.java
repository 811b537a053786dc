package io.multistudio.engine.infinispan;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.exceptions.HotRodClientException;
import org.jboss.logging.Logger;

import io.multistudio.engine.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The calls of one map to its remote cache: each bounded in time, so that no request waits on a store that is gone,
 * and the cache (with the map's listeners) created again when the store came back without it.
 */
final class RemoteCalls {

    private static final Logger LOG = Logger.getLogger(RemoteCalls.class);

    private final RemoteCache<String, String> cache;
    private final CallDeadlines deadlines;
    /** Creates the cache on the server again; blocking, so it runs on a worker thread. */
    private final Runnable recreate;
    private final AtomicBoolean recreating = new AtomicBoolean();
    private final List<Object> listeners = new CopyOnWriteArrayList<>();

    RemoteCalls(RemoteCache<String, String> cache, CallDeadlines deadlines, Runnable recreate) {
        this.cache = cache;
        this.deadlines = deadlines;
        this.recreate = recreate;
    }

    /** One operation on the cache, within the store timeout. */
    <T> Uni<T> call(Supplier<CompletionStage<T>> operation) {
        return recovering(unavailableIfUnreachable(deadlines.bound(operation)));
    }

    /** A read of many batches, which may take {@code factor} times as long as one operation. */
    <T> Uni<T> scan(Uni<T> batches, int factor) {
        Duration timeout = deadlines.timeout().multipliedBy(factor);
        return recovering(unavailableIfUnreachable(batches.ifNoItem().after(timeout)
                .failWith(() -> CallDeadlines.notAnswered(timeout))));
    }

    /** Registers {@code listener} with the server, and again whenever the cache is created again; blocking. */
    void listen(Object listener) {
        cache.addClientListener(listener);
        listeners.add(listener);
    }

    /** Registers the listeners with the store again; blocking. */
    void listenAgain() {
        for (Object listener : listeners) {
            cache.removeClientListener(listener);
            cache.addClientListener(listener);
        }
    }

    private <T> Uni<T> recovering(Uni<T> operation) {
        return operation.onFailure(RemoteCalls::cacheMissing).invoke(this::recreateCache);
    }

    /**
     * A store that came back empty (restarted without persistence) no longer has our cache: it is created again,
     * with the listeners this map had, so that the node recovers by itself. Requests fail meanwhile.
     */
    private void recreateCache() {
        if (!recreating.compareAndSet(false, true)) {
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                recreate.run();
                listenAgain();
                LOG.infof("Cache %s created again", cache.getName());
            } catch (RuntimeException e) {
                LOG.warnf("Could not create cache %s again: %s", cache.getName(), e.getMessage());
            } finally {
                recreating.set(false);
            }
        });
    }

    private static boolean cacheMissing(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains("CacheNotFoundException")) {
                return true;
            }
        }
        return false;
    }

    /** A store that cannot be reached is unavailable to the caller, as one that does not answer in time is. */
    private static <T> Uni<T> unavailableIfUnreachable(Uni<T> operation) {
        return operation.onFailure(RemoteCalls::unreachable)
                .transform(failure -> new StoreUnavailableException("Infinispan is unreachable", failure));
    }

    private static boolean unreachable(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        return cause instanceof HotRodClientException || cause instanceof IOException
                || cause instanceof TimeoutException;
    }
}

package io.multistudio.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * The load generator's machinery: one Vert.x event loop (the generator runs pinned to one CPU), one WebSocket client,
 * and helpers to run work on the loop and wait for it from the benchmark's main thread.
 */
final class Generator implements AutoCloseable {

    final Vertx vertx;
    final Context loop;
    final WebSocketClient client;

    Generator() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setBlockedThreadCheckInterval(60_000));
        loop = vertx.getOrCreateContext();
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
                .setConnectTimeout(20_000).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20)
                .setTcpNoDelay(true));
    }

    /** Runs {@code work} on the event loop and waits for the future it returns. */
    <T> T await(Supplier<Future<T>> work, Duration timeout) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(ignored -> {
            try {
                work.get().onComplete(done -> {
                    if (done.succeeded()) {
                        result.complete(done.result());
                    } else {
                        result.completeExceptionally(done.cause());
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out after " + timeout, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void run(Runnable work) {
        await(() -> {
            work.run();
            return Future.succeededFuture();
        }, Duration.ofSeconds(30));
    }

    /**
     * Runs {@code count} tasks with at most {@code concurrency} in flight, on the loop; the list holds the results in
     * task order. Fails on the first failure.
     */
    <T> Future<List<T>> bounded(int count, int concurrency, IntFunction<Future<T>> task) {
        Promise<List<T>> done = Promise.promise();
        List<T> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(null);
        }
        int[] next = {0};
        int[] finished = {0};
        Runnable[] start = new Runnable[1];
        start[0] = () -> {
            if (done.future().isComplete() || next[0] >= count) {
                return;
            }
            int index = next[0]++;
            task.apply(index).onComplete(result -> {
                if (result.failed()) {
                    done.tryFail(new IllegalStateException("task " + index + " failed: " + result.cause().getMessage(),
                            result.cause()));
                    return;
                }
                results.set(index, result.result());
                if (++finished[0] == count) {
                    done.tryComplete(results);
                } else {
                    start[0].run();
                }
            });
        };
        if (count == 0) {
            done.complete(results);
        }
        for (int i = 0; i < Math.min(concurrency, count); i++) {
            start[0].run();
        }
        return done.future();
    }

    /** CPU time this generator JVM used so far, in seconds. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }
}

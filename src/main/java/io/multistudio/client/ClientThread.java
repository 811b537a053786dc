package io.multistudio.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread a client runs on: its bookkeeping, its timers and its callbacks, one task at a time. An idle client
 * holds no thread. A task that fails is logged: the executor would otherwise keep the failure to itself.
 */
final class ClientThread extends ScheduledThreadPoolExecutor {

    private static final System.Logger LOG = System.getLogger(MultiStudioClient.class.getName());
    private static final AtomicInteger COUNT = new AtomicInteger();

    ClientThread() {
        super(1, task -> {
            Thread thread = new Thread(task, "multistudio-client-" + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        setKeepAliveTime(10, TimeUnit.SECONDS);
        allowCoreThreadTimeOut(true);
        // Cancelled request timeouts do not pile up in the queue.
        setRemoveOnCancelPolicy(true);
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        if (task instanceof Future<?> done && done.isDone()) {
            try {
                done.get();
            } catch (ExecutionException thrown) {
                LOG.log(System.Logger.Level.ERROR, "a MultiStudio client task failed", thrown.getCause());
            } catch (CancellationException | InterruptedException ignored) {
                // A cancelled timer, or a shutdown: nothing failed.
            }
        }
    }
}

package io.multistudio.transport;

import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.util.internal.PlatformDependent;

/**
 * The hand-off of outbound frames to one event loop. A connection with frames waiting is queued here once; one task
 * on the loop then writes every waiting connection's batch, so a room event fanned out to many members costs each
 * loop one task, not one per member.
 */
final class OutboundLoop implements Runnable {

    private final Executor loop;
    /** Scheduled from any thread, taken on the loop only: an array-backed queue, no node per connection scheduled. */
    private final Queue<Outbound> waiting = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Batch batch = new Batch();

    OutboundLoop(Executor loop) {
        this.loop = loop;
    }

    void schedule(Outbound outbound) {
        waiting.add(outbound);
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        // Cleared first: whatever is queued from now on either is taken below or schedules the next run.
        scheduled.set(false);
        Outbound outbound;
        while ((outbound = waiting.poll()) != null) {
            outbound.drain(batch);
        }
    }
}

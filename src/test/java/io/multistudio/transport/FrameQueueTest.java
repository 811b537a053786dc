package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Many threads queue, one takes: every frame once, each producer's in its order. */
class FrameQueueTest {

    @Test
    void anEmptyQueueHasNothingToTake() {
        FrameQueue queue = new FrameQueue();
        assertThat(queue.poll()).isNull();
        ByteBuf frame = Unpooled.buffer(1);
        queue.offer(frame);
        assertThat(queue.poll()).isSameAs(frame);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void framesOfConcurrentProducersAreTakenOnceInEachProducersOrder() throws Exception {
        int producers = 4;
        int each = 50_000;
        FrameQueue queue = new FrameQueue();
        ExecutorService threads = Executors.newFixedThreadPool(producers);
        try {
            List<CompletableFuture<Void>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                producing.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < each; i++) {
                        queue.offer(Unpooled.buffer(8).writeInt(producer).writeInt(i));
                    }
                }, threads));
            }
            int[] next = new int[producers];
            int taken = 0;
            CompletableFuture<Void> all = CompletableFuture.allOf(producing.toArray(CompletableFuture[]::new));
            while (taken < producers * each) {
                ByteBuf frame = queue.poll();
                if (frame == null) {
                    assertThat(all.isCompletedExceptionally()).isFalse();
                    Thread.onSpinWait();
                    continue;
                }
                int producer = frame.getInt(0);
                assertThat(frame.getInt(4)).as("producer %d's next frame", producer).isEqualTo(next[producer]);
                next[producer]++;
                taken++;
                frame.release();
            }
            all.get(30, TimeUnit.SECONDS);
            assertThat(queue.poll()).isNull();
            assertThat(next).containsOnly(each);
        } finally {
            threads.shutdownNow();
        }
    }
}

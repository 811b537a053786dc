package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkus.websockets.next.CloseReason;

/** One connection's outbound side over a socket the test reads from: batching, byte bounds, closing. */
class OutboundTest {

    private final OutboundBudget budget = new OutboundBudget(Long.MAX_VALUE, Runnable::run);
    private final RecordingWire wire = new RecordingWire(false);
    private final AtomicInteger cutOffs = new AtomicInteger();

    private Outbound outbound(long limit) {
        Outbound outbound = wire.outbound(budget, limit);
        outbound.onCutOff(cutOffs::incrementAndGet);
        return outbound;
    }

    @Test
    void framesQueuedBeforeTheLoopRunsGoOutAsOneBatchInOrder() {
        Outbound outbound = outbound(1 << 20);

        outbound.send(Outbound.frame("one"));
        outbound.send(Outbound.frame("two"));
        outbound.send(Outbound.frame("three"));
        assertThat(wire.frames).isEmpty();
        wire.runLoop();
        outbound.send(Outbound.frame("four"));
        wire.runLoop();

        assertThat(wire.frames).containsExactly("one", "two", "three", "four");
        assertThat(wire.batchSizes).containsExactly(3, 1);
    }

    @Test
    void bytesCountAsUnsentUntilTheSocketTookThem() {
        Outbound outbound = outbound(1 << 20);

        // Five bytes of UTF-8 after a 2-byte frame header: what goes on the wire.
        outbound.send(Outbound.frame("é€"));
        assertThat(outbound.unsent()).isEqualTo(7);
        wire.runLoop();
        assertThat(outbound.unsent()).isEqualTo(7);
        assertThat(budget.unsent()).isEqualTo(7);
        wire.take();

        assertThat(outbound.unsent()).isZero();
        assertThat(budget.unsent()).isZero();
    }

    @Test
    void aClientThatDoesNotTakeItsFramesIsCutOffWith1013AndGetsNothingMore() {
        Outbound outbound = outbound(10);

        outbound.send(Outbound.frame("123456"));
        wire.runLoop();
        assertThat(cutOffs).hasValue(0);
        outbound.send(Outbound.frame("789012"));
        wire.runLoop();
        assertThat(cutOffs).hasValue(1);
        outbound.send(Outbound.frame("dropped"));
        wire.runLoop();

        assertThat(wire.frames).containsExactly("123456", "789012");
        assertThat(wire.closes).extracting(CloseReason::getCode).containsExactly(1013);
        assertThat(outbound.leaving()).isTrue();
    }

    @Test
    void framesWaitingForABusyLoopDoNotCutAClientThatReads() {
        Outbound outbound = outbound(10);
        wire.reading = true;

        for (int i = 0; i < 5; i++) {
            outbound.send(Outbound.frame("123456"));
        }
        assertThat(outbound.unsent()).isEqualTo(5 * (2 + 6));
        wire.runLoop();

        assertThat(cutOffs).hasValue(0);
        assertThat(wire.batchSizes).containsExactly(5);
        assertThat(outbound.unsent()).isZero();
    }

    @Test
    void theLastFrameClosesAndWhatComesAfterIsDropped() {
        Outbound outbound = outbound(1 << 20);

        outbound.send(Outbound.frame("before"));
        outbound.sendAndClose(Outbound.frame("last"), CloseReason.NORMAL);
        outbound.send(Outbound.frame("after"));
        wire.runLoop();
        wire.take();

        assertThat(wire.frames).containsExactly("before", "last");
        assertThat(wire.closes).containsExactly(CloseReason.NORMAL);
        assertThat(budget.unsent()).isZero();
    }

    @Test
    void aDropComesAfterWhatWasQueuedAndSendsNoCloseFrame() {
        Outbound outbound = outbound(1 << 20);

        outbound.send(Outbound.frame("answer"));
        outbound.drop();
        outbound.send(Outbound.frame("after"));
        assertThat(wire.aborted).isFalse();
        wire.runLoop();

        assertThat(wire.frames).containsExactly("answer");
        assertThat(wire.aborted).isTrue();
        assertThat(wire.closes).isEmpty();
    }

    @Test
    void aClosedConnectionDropsWhatItHadQueued() {
        Outbound outbound = outbound(1 << 20);

        outbound.send(Outbound.frame("never written"));
        outbound.closed();
        wire.runLoop();

        assertThat(wire.frames).isEmpty();
        assertThat(budget.unsent()).isZero();
    }
}

package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.websockets.next.CloseReason;

/** The node's bound on unsent data: whom it cuts when it is exceeded. */
class OutboundBudgetTest {

    @Test
    void theLargestHoldersGoFirstUntilTheExcessIsCovered() {
        Map<String, Long> unsent = Map.of("a", 10L, "b", 500L, "c", 300L, "d", 0L);

        assertThat(OutboundBudget.mostUnsentFirst(unsent.keySet(), unsent::get, 600)).containsExactly("b", "c");
        assertThat(OutboundBudget.mostUnsentFirst(unsent.keySet(), unsent::get, 500)).containsExactly("b");
        assertThat(OutboundBudget.mostUnsentFirst(unsent.keySet(), unsent::get, 0)).isEmpty();
        assertThat(OutboundBudget.mostUnsentFirst(unsent.keySet(), unsent::get, 10_000))
                .containsExactly("b", "c", "a");
    }

    @Test
    void pastTheBudgetTheConnectionWithTheMostUnsentBytesIsCutAndNoMoreThanNeeded() {
        OutboundBudget budget = new OutboundBudget(100, Runnable::run);
        RecordingWire bigWire = new RecordingWire(false);
        RecordingWire smallWire = new RecordingWire(false);
        Outbound big = bigWire.outbound(budget, Long.MAX_VALUE);
        Outbound small = smallWire.outbound(budget, Long.MAX_VALUE);

        small.send(Outbound.frame("s".repeat(30)));
        big.send(Outbound.frame("b".repeat(60)));
        assertThat(List.of(big.leaving(), small.leaving())).containsExactly(false, false);
        small.send(Outbound.frame("s".repeat(20)));

        assertThat(big.leaving()).isTrue();
        assertThat(small.leaving()).isFalse();
        // The cut connection's bytes are on their way out: more for the other one does not cut it.
        small.send(Outbound.frame("s".repeat(40)));
        assertThat(small.leaving()).isFalse();
        bigWire.runLoop();
        smallWire.runLoop();
        assertThat(bigWire.closes).extracting(CloseReason::getCode).containsExactly(1013);
        assertThat(bigWire.frames).isEmpty();
        assertThat(smallWire.frames).hasSize(3);
        // The small connection's three frames: 90 bytes of text, each after its 2-byte header.
        assertThat(budget.unsent()).isEqualTo(96);
    }
}

package io.multistudio.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.observability.ServerMetrics;

/** Counters and sliding-window rates, on a clock the test drives. */
class NodeStatsTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ServerMetrics metrics = new ServerMetrics(new SimpleMeterRegistry());

    private void outgoing(int frames) {
        for (int i = 0; i < frames; i++) {
            metrics.messagesOut(1);
        }
    }

    @Test
    void countsMessagesAndReportsTheSuppliedConnectionsAndRooms() {
        NodeStats stats = new NodeStats(metrics, 0);
        metrics.messageIn();
        metrics.messageIn();
        outgoing(5);
        stats.connections(() -> 7);
        stats.rooms(() -> 3);

        Stats now = stats.stats(SECOND);

        assertThat(now.messagesInTotal()).isEqualTo(2);
        assertThat(now.messagesOutTotal()).isEqualTo(5);
        assertThat(now.connections()).isEqualTo(7);
        assertThat(now.rooms()).isEqualTo(3);
    }

    @Test
    void ratesAverageOverTheWindowAndForgetWhatLeftIt() {
        NodeStats stats = new NodeStats(metrics, 0);
        for (int second = 1; second <= 10; second++) {
            for (int i = 0; i < 10; i++) {
                metrics.messageIn();
            }
            outgoing(30);
            stats.sample(second * SECOND);
        }
        Stats steady = stats.stats(10 * SECOND);
        assertThat(steady.messagesInPerSecond()).isEqualTo(10.0);
        assertThat(steady.messagesOutPerSecond()).isEqualTo(30.0);

        for (int second = 11; second <= 10 + NodeStats.WINDOW_SECONDS; second++) {
            stats.sample(second * SECOND);
        }
        Stats quiet = stats.stats((10 + NodeStats.WINDOW_SECONDS) * SECOND);
        assertThat(quiet.messagesInPerSecond()).isZero();
        assertThat(quiet.messagesOutPerSecond()).isZero();
        assertThat(quiet.messagesInTotal()).isEqualTo(100);
    }

    @Test
    void ratesStartFromTheFirstSampleWhenTheWindowIsNotFullYet() {
        NodeStats stats = new NodeStats(metrics, 0);
        for (int i = 0; i < 4; i++) {
            metrics.messageIn();
        }

        assertThat(stats.stats(2 * SECOND).messagesInPerSecond()).isEqualTo(2.0);
        assertThat(stats.stats(0).messagesInPerSecond()).isZero();
    }
}

package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The liveness check on a clock of its own: probes once per silence past half the limit, loses at the limit. */
class LivenessTest {

    private static final Duration LIMIT = Duration.ofSeconds(4);

    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger losses = new AtomicInteger();
    private final Liveness liveness = new Liveness(LIMIT, now::get, Runnable::run, probes::incrementAndGet,
            losses::incrementAndGet);

    @Test
    void aConnectionSilentForHalfTheLimitIsProbedOnceThenLostAtTheLimit() {
        at(Duration.ofMillis(1999));
        liveness.check();
        assertThat(probes).hasValue(0);

        at(Duration.ofSeconds(2));
        liveness.check();
        at(Duration.ofSeconds(3));
        liveness.check();
        assertThat(probes).as("one probe per silence").hasValue(1);
        assertThat(losses).hasValue(0);

        at(LIMIT);
        liveness.check();
        assertThat(losses).hasValue(1);
    }

    @Test
    void anythingReceivedStartsTheSilenceAgain() {
        at(Duration.ofSeconds(3));
        liveness.check();
        liveness.heard();
        at(Duration.ofSeconds(6));
        liveness.check();
        assertThat(losses).as("silent for 3 s of the 4").hasValue(0);
        assertThat(probes).as("a new silence, probed again").hasValue(2);

        at(Duration.ofSeconds(7));
        liveness.check();
        assertThat(losses).hasValue(1);
    }

    @Test
    void theDefaultIsTheServersHeartbeatIntervalPlusTimeoutAndNullTurnsItOff() {
        ClientOptions options = ClientOptions.of(URI.create("ws://127.0.0.1/ws"));
        assertThat(options.livenessLimit()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.withLivenessLimit(null).livenessLimit()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> options.withLivenessLimit(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Moves the clock to {@code elapsed} after the start. */
    private void at(Duration elapsed) {
        now.set(1_000 + elapsed.toNanos());
    }
}

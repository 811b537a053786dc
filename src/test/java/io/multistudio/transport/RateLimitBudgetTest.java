package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** One connection's budget without a server: the burst, then refusals, then the close for abuse. */
class RateLimitBudgetTest {

    @Test
    void theBurstPassesThenMessagesAreRefusedThenTheConnectionIsClosed() {
        // One message a minute refills nothing within the test.
        RateLimit limit = new RateLimit(1, 3, 2, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertThat(limit.admit()).as("message %d of the burst", i).isEqualTo(RateLimit.Verdict.ACCEPT);
        }
        assertThat(limit.admit()).isEqualTo(RateLimit.Verdict.REFUSE);
        assertThat(limit.admit()).isEqualTo(RateLimit.Verdict.REFUSE);
        assertThat(limit.admit()).isEqualTo(RateLimit.Verdict.CLOSE);
    }
}

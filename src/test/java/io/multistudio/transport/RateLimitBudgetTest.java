package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** One connection's budget without a server: the burst, then refusals, then the close for abuse; the refill. */
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

    @Test
    void anEmptiedBucketRefillsWithTime() {
        // One message a second: after the burst, a message is refused, and one is accepted again about a second later.
        RateLimit limit = new RateLimit(1, 2, Integer.MAX_VALUE, Duration.ofMinutes(1));
        assertThat(limit.admit()).isEqualTo(RateLimit.Verdict.ACCEPT);
        assertThat(limit.admit()).isEqualTo(RateLimit.Verdict.ACCEPT);
        assertThat(limit.admit()).isEqualTo(RateLimit.Verdict.REFUSE);
        await().atMost(Duration.ofSeconds(30)).until(() -> limit.admit() == RateLimit.Verdict.ACCEPT);
    }
}

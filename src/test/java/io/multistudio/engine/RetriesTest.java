package io.multistudio.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** A write that keeps losing its race is retried a bounded number of times, with pauses, then answered as failed. */
class RetriesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Runnable NOT_COUNTED = () -> {
    };

    @Test
    void givesUpAfterTheCapWithPausesBetweenAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> losing = Uni.createFrom().item(() -> {
            attempts.incrementAndGet();
            throw new Lost();
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> Retries.whileLosing(losing, Lost.class, 6, "A test write", NOT_COUNTED).await().atMost(WAIT))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("lost 6 races");

        assertThat(attempts).hasValue(6);
        // Five pauses from 1 ms doubling, each at least half its nominal length with the jitter: 0.5+1+2+4+8 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(15));
    }

    @Test
    void aWriteThatWinsOnALaterAttemptSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> winsThird = Uni.createFrom().item(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new Lost();
            }
            return "written";
        });

        AtomicInteger lost = new AtomicInteger();
        assertThat(Retries.whileLosing(winsThird, Lost.class, 6, "A test write", lost::incrementAndGet)
                .await().atMost(WAIT)).isEqualTo("written");
        assertThat(attempts).hasValue(3);
        // Each lost race is counted: two here.
        assertThat(lost).hasValue(2);
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        Uni<String> broken = Uni.createFrom().item(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("not a race");
        });

        assertThatThrownBy(() -> Retries.whileLosing(broken, Lost.class, 6, "A test write", NOT_COUNTED).await().atMost(WAIT))
                .isInstanceOf(IllegalStateException.class);
        assertThat(attempts).hasValue(1);
    }

    private static final class Lost extends RuntimeException {
    }
}

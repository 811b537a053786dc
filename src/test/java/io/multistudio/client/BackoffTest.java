package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);

    @Test
    void theCeilingDoublesPerAttemptUpToTheMaximum() {
        Backoff longest = new Backoff(INITIAL, MAX, () -> 1.0);
        assertThat(longest.delay(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(longest.delay(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(longest.delay(5)).isEqualTo(Duration.ofMillis(3200));
        assertThat(longest.delay(6)).isEqualTo(MAX);
        assertThat(longest.delay(1000)).isEqualTo(MAX);
    }

    @Test
    void jitterKeepsAtLeastHalfTheCeiling() {
        Backoff shortest = new Backoff(INITIAL, MAX, () -> 0.0);
        assertThat(shortest.delay(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(shortest.delay(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(shortest.delay(62)).isEqualTo(Duration.ofMillis(2500));
        Backoff middle = new Backoff(INITIAL, MAX, () -> 0.5);
        assertThat(middle.delay(2)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void realJitterStaysWithinTheBounds() {
        Backoff backoff = new Backoff(INITIAL, MAX, Math::random);
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(MAX.toMillis(), INITIAL.toMillis() << Math.min(attempt, 20));
            assertThat(backoff.delay(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void boundsMustBeOrdered() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, MAX, () -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(MAX, INITIAL, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

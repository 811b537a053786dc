package io.multistudio.engine.infinispan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.multistudio.engine.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/** A store call that does not answer in time fails the request and is cancelled, not left pending. */
class GuardedCallTest {

    private final CallDeadlines deadlines = new CallDeadlines(Duration.ofMillis(50));

    @AfterEach
    void stop() {
        deadlines.close();
    }

    @Test
    void aTimedOutCallIsCancelled() {
        CompletableFuture<String> neverAnswered = new CompletableFuture<>();

        assertThatThrownBy(() -> deadlines.bound(() -> neverAnswered).await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("did not answer");

        // Cancelled by the sweeper once the failure went out, which may be just after the caller woke up with it.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(neverAnswered).isCancelled());
    }

    @Test
    void anAnswerInTimeIsTheResult() {
        assertThat(deadlines.bound(() -> CompletableFuture.completedFuture("value")).await()
                .atMost(Duration.ofSeconds(30))).isEqualTo("value");
    }

    @Test
    void aFailedCallFailsWithItsCause() {
        IllegalStateException cause = new IllegalStateException("refused");

        assertThatThrownBy(() -> deadlines.bound(() -> CompletableFuture.<String>failedFuture(cause)).await()
                .atMost(Duration.ofSeconds(30))).isSameAs(cause);
    }

    @Test
    void aCancelledSubscriptionCancelsTheCall() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        Uni<String> call = deadlines.bound(() -> pending);

        call.subscribe().withSubscriber(UniAssertSubscriber.create()).cancel();

        assertThat(pending).isCancelled();
    }
}

package io.multistudio.engine.infinispan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.multistudio.engine.StoreUnavailableException;

/** A store call that does not answer in time fails the request and is cancelled, not left pending. */
class GuardedCallTest {

    @Test
    void aTimedOutCallIsCancelled() {
        CompletableFuture<String> neverAnswered = new CompletableFuture<>();

        assertThatThrownBy(() -> RemoteCalls.guarded(() -> neverAnswered, Duration.ofMillis(50))
                .await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("did not answer");

        assertThat(neverAnswered).isCancelled();
    }

    @Test
    void anAnswerInTimeIsTheResult() {
        assertThat(RemoteCalls.guarded(() -> CompletableFuture.completedFuture("value"), Duration.ofSeconds(5))
                .await().atMost(Duration.ofSeconds(30))).isEqualTo("value");
    }
}

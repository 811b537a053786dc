package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** A client whose server cannot be reached keeps retrying within its backoff bounds until it is closed. */
class ReconnectBackoffTest {

    @Test
    void retriesStayWithinTheBackoffBoundsUntilClosed() {
        Duration initial = Duration.ofMillis(20);
        Duration max = Duration.ofMillis(160);
        MultiStudioClient client = new MultiStudioClient(ClientOptions.of(ClientTests.unreachableEndpoint())
                .withBackoff(initial, max));
        List<Retry> retries = new CopyOnWriteArrayList<>();
        client.retries().subscribe().with(retries::add);
        var connecting = client.connect().subscribeAsCompletionStage();

        await().atMost(Duration.ofSeconds(15)).until(() -> retries.size() >= 8);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTING);
        client.close();

        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        List<Retry> seen = List.copyOf(retries);
        for (int i = 0; i < seen.size(); i++) {
            Retry retry = seen.get(i);
            long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(i, 20));
            assertThat(retry.attempt()).isEqualTo(i + 1);
            assertThat(retry.closeCode()).isEqualTo(1006);
            assertThat(retry.delay().toMillis()).isBetween(ceiling / 2, ceiling);
        }
        assertThatThrownBy(() -> connecting.toCompletableFuture().join()).hasCauseInstanceOf(ConnectionException.class);
        int afterClose = retries.size();
        assertThatThrownBy(() -> client.ping().await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(ConnectionException.class);
        assertThat(retries).hasSize(afterClose);
    }
}

package io.multistudio.client;

import static io.multistudio.client.ClientTests.answer;
import static io.multistudio.client.ClientTests.messages;
import static io.multistudio.client.ClientTests.newRoomId;
import static io.multistudio.client.ClientTests.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The client's liveness check against the real server: through a network that silently dies (a proxy that stops
 * carrying anything, closing nothing) the client gives the connection up at its limit and resumes with what it
 * missed; on a live connection the server's pongs to its probes keep it.
 */
@QuarkusTest
class ClientSilentNetworkTest {

    private static final Duration LIMIT = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = ClientTests.TIMEOUT;

    @TestHTTPResource("/ws")
    URI uri;

    private final List<MultiStudioClient> clients = new ArrayList<>();
    private FreezingProxy proxy;

    @AfterEach
    void close() throws IOException {
        clients.forEach(MultiStudioClient::close);
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aConnectionThroughADeadNetworkIsLostAtTheLimitAndResumedWithWhatItMissed() throws IOException {
        proxy = new FreezingProxy(uri);
        String room = newRoomId();
        MultiStudioClient ada = connected(ClientOptions.of(proxy.uri()).withName("Ada").withLivenessLimit(LIMIT)
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(40)));
        MultiStudioClient bob = connected(ClientOptions.of(uri).withName("Bob"));
        answer(bob.createRoom(room));
        answer(ada.joinRoom(room));
        List<RoomEvent> adaSaw = record(ada.events());
        List<Retry> adaRetries = record(ada.retries());
        List<ServerMessage> adaMessages = record(ada.messages());

        proxy.freeze();
        answer(bob.send("while the network is dead"));
        await().atMost(LIMIT.plus(TIMEOUT)).until(() -> !adaRetries.isEmpty());
        assertThat(adaRetries.get(0).closeCode()).as("lost as in a network failure").isEqualTo(1006);

        await().atMost(TIMEOUT).until(() -> adaMessages.stream()
                .anyMatch(message -> message instanceof ServerMessage.Hello hello && hello.reconnected()));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(messages(adaSaw))
                .extracting(message -> message.data().asText()).containsExactly("while the network is dead"));
        assertThat(ada.state()).isEqualTo(ConnectionState.OPEN);
    }

    @Test
    void theServerAnswersTheProbesOfAnIdleClient() {
        MultiStudioClient ada = connected(ClientOptions.of(uri).withName("Ada").withLivenessLimit(LIMIT));
        List<Retry> retries = record(ada.retries());
        Duration watched = LIMIT.multipliedBy(5).dividedBy(2);

        await().during(watched).atMost(watched.plus(TIMEOUT)).until(() -> ada.state() == ConnectionState.OPEN);
        assertThat(retries).isEmpty();
    }

    private MultiStudioClient connected(ClientOptions options) {
        MultiStudioClient client = new MultiStudioClient(options);
        clients.add(client);
        answer(client.connect());
        return client;
    }
}

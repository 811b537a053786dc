package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's own liveness check against a server that goes quiet without closing (the JDK would not report the
 * loss before the client's next write): a silent connection is lost at the limit and resumed; one that hears the
 * server's pings, or the pongs to its own probes, stays.
 */
class ClientLivenessTest {

    private static final Duration LIMIT = Duration.ofSeconds(2);
    /** How long a connection that must stay is watched: well past the limit. */
    private static final Duration WATCHED = LIMIT.multipliedBy(5).dividedBy(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private QuietServer server;
    private MultiStudioClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.disconnect(1000).await().atMost(TIMEOUT);
        }
        server.close();
    }

    @Test
    void aSilentConnectionIsLostAtTheLimitAndResumed() throws IOException {
        connect(new QuietServer(null, false), LIMIT);
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        client.states().subscribe().with(states::add);
        List<Retry> retries = new CopyOnWriteArrayList<>();
        client.retries().subscribe().with(retries::add);
        long connected = System.nanoTime();

        await().atMost(LIMIT.plus(TIMEOUT)).until(() -> !retries.isEmpty());
        Duration silent = Duration.ofNanos(System.nanoTime() - connected);
        assertThat(silent).as("lost at the limit, not before its half").isGreaterThan(LIMIT.dividedBy(2));
        assertThat(retries.get(0).closeCode()).as("as if the network had failed").isEqualTo(1006);
        assertThat(server.clientPings).as("probed before giving up").hasPositiveValue();
        await().atMost(TIMEOUT).until(() -> server.hellos.size() == 2);
        assertThat(server.hellos.get(1).path("reconnect_token").asText()).as("a resume").isEqualTo("token-1");
        await().atMost(TIMEOUT).until(() -> states.contains(ConnectionState.OPEN));
        assertThat(states).startsWith(ConnectionState.RESUMING);
    }

    @Test
    void withoutAutomaticReconnectASilentConnectionClosesTheClient() throws IOException {
        server = new QuietServer(null, false);
        client = new MultiStudioClient(ClientOptions.of(server.uri()).withLivenessLimit(LIMIT)
                .withAutoReconnect(false));
        client.connect().await().atMost(TIMEOUT);

        await().atMost(LIMIT.plus(TIMEOUT)).until(() -> client.state() == ConnectionState.CLOSED);
        assertThat(client.closeCode()).isEqualTo(1006);
        assertThat(server.hellos).hasSize(1);
    }

    @Test
    void withTheCheckOffASilentConnectionStays() throws IOException {
        connect(new QuietServer(null, false), Duration.ZERO);

        await().during(WATCHED).atMost(WATCHED.plus(TIMEOUT)).until(() -> client.state() == ConnectionState.OPEN);
        assertThat(server.hellos).hasSize(1);
        assertThat(server.clientPings).hasValue(0);
    }

    @Test
    void theServersPingsAloneKeepTheConnection() throws IOException {
        connect(new QuietServer(LIMIT.dividedBy(5), false), LIMIT);

        await().during(WATCHED).atMost(WATCHED.plus(TIMEOUT)).until(() -> client.state() == ConnectionState.OPEN);
        assertThat(server.hellos).hasSize(1);
        assertThat(server.clientPings).as("never silent for half the limit: no probe").hasValue(0);
    }

    @Test
    void theAnswersToItsProbesKeepAQuietConnection() throws IOException {
        connect(new QuietServer(null, true), LIMIT);

        await().during(WATCHED).atMost(WATCHED.plus(TIMEOUT)).until(() -> client.state() == ConnectionState.OPEN);
        assertThat(server.hellos).hasSize(1);
        assertThat(server.clientPings.get()).as("a probe per half limit").isGreaterThanOrEqualTo(2);
    }

    @Test
    void anIdleConnectedClientHoldsNoThread() throws IOException {
        server = new QuietServer(LIMIT.dividedBy(5), false);
        client = new MultiStudioClient(ClientOptions.of(server.uri()).withLivenessLimit(LIMIT));
        AtomicReference<Thread> clientThread = new AtomicReference<>();
        client.states().subscribe().with(state -> clientThread.set(Thread.currentThread()));
        client.connect().await().atMost(TIMEOUT);

        // The client's thread ends 10 s after its last task; the checks of the connection must not keep it.
        await().atMost(TIMEOUT.multipliedBy(2)).until(() -> !clientThread.get().isAlive());
        assertThat(client.state()).isEqualTo(ConnectionState.OPEN);
    }

    private void connect(QuietServer quiet, Duration limit) {
        server = quiet;
        client = new MultiStudioClient(ClientOptions.of(server.uri()).withName("Quiet").withLivenessLimit(limit)
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(40)));
        client.connect().await().atMost(TIMEOUT);
    }
}

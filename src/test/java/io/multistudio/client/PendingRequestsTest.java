package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

class PendingRequestsTest {

    private static final Duration LONG = Duration.ofMinutes(1);

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final PendingRequests pending = new PendingRequests(loop, true);

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    private static ObjectNode request(String kind) {
        return JsonNodeFactory.instance.objectNode().put("kind", kind);
    }

    @Test
    void everyRequestButHelloAndByeGetsADistinctKeyAndEachADistinctRid() {
        PendingRequests.Request hello = pending.track("HELLO", request("HELLO"), LONG);
        PendingRequests.Request send = pending.track("SEND", request("SEND"), LONG);
        PendingRequests.Request ping = pending.track("PING", request("PING"), LONG);
        PendingRequests.Request bye = pending.track("BYE", request("BYE"), LONG);
        assertThat(hello.message.has("key")).isFalse();
        assertThat(bye.message.has("key")).isFalse();
        assertThat(send.message.path("key").asText()).isNotEqualTo(ping.message.path("key").asText()).isNotBlank();
        assertThat(send.resendable()).isTrue();
        assertThat(hello.resendable()).isFalse();
        assertThat(pending.all()).extracting(request -> request.rid).containsExactly("1", "2", "3", "4")
                .containsExactly(hello.message.path("rid").asText(), send.message.path("rid").asText(),
                        ping.message.path("rid").asText(), bye.message.path("rid").asText());
    }

    @Test
    void aKeyTheRequestCarriesIsKeptAndWithoutAutoKeysNoneIsAdded() {
        ObjectNode chosen = request("SEND").put("key", "mine");
        assertThat(pending.track("SEND", chosen, LONG).message.path("key").asText()).isEqualTo("mine");
        PendingRequests keyless = new PendingRequests(loop, false);
        PendingRequests.Request send = keyless.track("SEND", request("SEND"), LONG);
        assertThat(send.message.has("key")).isFalse();
        assertThat(send.resendable()).isFalse();
        assertThat(keyless.track("SEND", request("SEND").put("key", "k"), LONG).resendable()).isTrue();
    }

    @Test
    void anAnswerSettlesItsRequestOnce() {
        PendingRequests.Request send = pending.track("SEND", request("SEND"), LONG);
        assertThat(pending.answered(send.rid)).isSameAs(send);
        assertThat(pending.answered(send.rid)).isNull();
        assertThat(pending.answered("unknown")).isNull();
        assertThat(pending.answered(null)).isNull();
        assertThat(pending.all()).isEmpty();
    }

    @Test
    void aRequestWithoutAnswerTimesOut() {
        PendingRequests.Request ping = pending.track("PING", request("PING"), Duration.ofMillis(50));
        await().atMost(Duration.ofSeconds(5)).until(ping.answer::isDone);
        assertThatThrownBy(ping.answer::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(ConnectionException.class,
                        error -> assertThat(error.reason()).isEqualTo(ConnectionException.Reason.TIMEOUT));
        assertThat(pending.answered(ping.rid)).as("a timed-out request is no longer pending").isNull();
    }

    @Test
    void failingSelectsTheRequests() {
        PendingRequests.Request sent = pending.track("SEND", request("SEND"), LONG);
        PendingRequests.Request queued = pending.track("SEND", request("SEND"), LONG);
        sent.everSent = true;
        pending.fail(request -> request.everSent, ConnectionException.Reason.SESSION_LOST, "the session was lost");
        assertThat(sent.answer).isCompletedExceptionally();
        assertThat(queued.answer).isNotDone();
        assertThat(pending.all()).containsExactly(queued);
    }
}

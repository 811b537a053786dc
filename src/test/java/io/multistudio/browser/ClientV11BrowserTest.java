package io.multistudio.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;

/**
 * {@code multistudio.js} with protocol v1.1: it sends every request with a key and sends the ones in flight again after
 * a resume, so that when the server cuts the connection in the middle of 200 sends each message still reaches the room
 * exactly once, in order, and each {@code send()} settles exactly once; and it reads room history.
 */
@QuarkusTest
class ClientV11BrowserTest {

    private static final Logger LOG = Logger.getLogger(ClientV11BrowserTest.class);
    private static final int SENDS = 200;
    private static Chrome chrome;

    @TestHTTPResource("/")
    URL page;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    OpenConnections connections;

    @BeforeAll
    static void startBrowser() {
        chrome = Chrome.start("exactly-once");
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chrome != null) {
            chrome.close();
        }
    }

    @Test
    void joinBringsTheLatestEventsAndHistoryPagesBack() {
        chrome.open(page);
        JsonNode result = chrome.module("""
                const ada = new ms.MultiStudioClient({ name: 'Ada', heartbeatInterval: 0 });
                const bob = new ms.MultiStudioClient({ name: 'Bob', heartbeatInterval: 0 });
                await Promise.all([ada.connect(), bob.connect()]);
                const room = (await ada.createRoom()).room.id;
                for (const text of ['one', 'two', 'three']) {
                  await ada.send(text);
                }
                const past = [];
                bob.on('MESSAGE', (message) => past.push(message.data));
                const joined = await bob.join(room, { history: 2 });
                await ada.send('live');
                await new Promise(function wait(resolve) { past.length === 3 ? resolve() : setTimeout(() => wait(resolve), 10); });
                const page = await bob.history({ limit: 2 });
                const older = await bob.history({ before: page.events[0].seq, limit: 10 });
                const members = bob.members.length;
                await Promise.all([ada.close(), bob.close()]);
                return { past, members, joinedSeq: joined.seq, page: page.events.map((event) => event.data ?? event.kind),
                         more: page.more, older: older.events.map((event) => event.data ?? event.kind),
                         olderMore: older.more };
                """);
        assertThat(result.path("past").toString()).isEqualTo("[\"two\",\"three\",\"live\"]");
        assertThat(result.path("members").asInt()).as("past events change no room state").isEqualTo(2);
        assertThat(result.path("page").toString()).isEqualTo("[\"three\",\"live\"]");
        assertThat(result.path("more").asBoolean()).isTrue();
        assertThat(result.path("older").toString()).isEqualTo("[\"one\",\"two\"]");
        assertThat(result.path("olderMore").asBoolean()).isFalse();
    }

    @Test
    void everySendReachesTheRoomOnceInOrderAcrossACutConnection() {
        chrome.open(page);
        String room = chrome.module("""
                class Counting extends WebSocket {
                  send(text) { window.probe.frames += 1; super.send(text); }
                }
                const client = new ms.MultiStudioClient({ name: 'Sender', initialDelay: 50, WebSocket: Counting });
                window.probe = { client, frames: 0, issued: 0, settled: [], answers: [], states: [] };
                client.on('state', (change) => window.probe.states.push(change));
                await client.connect();
                return (await client.createRoom({ name: 'Exactly once' })).room.id;
                """).asText();
        try (Wire observer = Wire.hello(ws, "Observer")) {
            assertThat(observer.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}").path("kind").asText())
                    .isEqualTo("JOINED_ROOM");
            chrome.module("""
                    const probe = window.probe;
                    (async () => {
                      for (let i = 0; i < SENDS; i++) {
                        probe.issued = i + 1;
                        probe.settled[i] = 0;
                        probe.client.send({ n: i }).then(
                          (answer) => { probe.settled[i] += 1; probe.answers[i] = answer.seq; },
                          (error) => { probe.settled[i] += 1; probe.answers[i] = String(error); });
                        // Bursts of five keep several requests in flight, well within the server's rate limit.
                        if (i % 5 === 4) {
                          await new Promise((resolve) => setTimeout(resolve, 75));
                        }
                      }
                    })();
                    return null;
                    """.replace("SENDS", String.valueOf(SENDS)));
            await().atMost(Chrome.TIMEOUT).until(() -> chrome.module("return window.probe.issued;").asInt() >= SENDS / 2);
            chrome.connection(connections).closeAndAwait(new CloseReason(1012, "service restart"));
            int issuedAtCut = chrome.module("return window.probe.issued;").asInt();
            await().atMost(Duration.ofSeconds(60)).until(() -> chrome.module(
                    "return window.probe.settled.length === SENDS && window.probe.settled.every((n) => n > 0);"
                            .replace("SENDS", String.valueOf(SENDS))).asBoolean());

            JsonNode outcome = chrome.module("""
                    const { client, frames, settled, answers, states } = window.probe;
                    return { frames, settled, answers, states: states.map((change) => change.state),
                             reconnected: states[states.length - 1].reconnected, state: client.state };
                    """);
            assertThat(issuedAtCut).as("sends issued when the connection was cut").isLessThan(SENDS);
            assertThat(outcome.path("states").toString()).contains("\"resuming\"");
            assertThat(outcome.path("reconnected").asBoolean()).isTrue();
            assertThat(outcome.path("settled")).allSatisfy(count -> assertThat(count.asInt()).isEqualTo(1));
            List<Long> seqs = new ArrayList<>();
            outcome.path("answers").forEach(seq -> seqs.add(seq.asLong()));
            assertThat(seqs).as("every send resolved with its MESSAGE's seq, in order").hasSize(SENDS).isSorted()
                    .doesNotHaveDuplicates();

            List<JsonNode> received = new ArrayList<>();
            while (received.size() < SENDS) {
                JsonNode message = observer.next();
                if ("MESSAGE".equals(message.path("kind").asText())) {
                    received.add(message);
                }
            }
            for (int i = 0; i < SENDS; i++) {
                assertThat(received.get(i).path("data").path("n").asInt()).as("message %d", i).isEqualTo(i);
                assertThat(received.get(i).path("seq").asLong()).isEqualTo(seqs.get(i));
            }
            chrome.module("await window.probe.client.send('end'); return null;");
            JsonNode next = observer.next();
            while (!"MESSAGE".equals(next.path("kind").asText())) {
                next = observer.next();
            }
            assertThat(next.path("data").asText()).as("nothing arrived twice before the end").isEqualTo("end");
            LOG.infof("%d sends, connection cut after %d were issued, %d frames sent in all (HELLOs and requests "
                    + "sent again included)", SENDS, issuedAtCut, outcome.path("frames").asInt());
        }
    }
}

package io.multistudio.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;

/**
 * {@code /client/multistudio.js} in a real browser: against the server, and against a scripted fake socket where a
 * test needs to control exactly what arrives (duplicates in a replay, a fresh session instead of a resume).
 */
@QuarkusTest
class ClientBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Chrome chrome;

    @TestHTTPResource("/")
    URL page;

    @Inject
    OpenConnections connections;

    @BeforeAll
    static void startBrowser() {
        chrome = Chrome.start("client");
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (chrome != null) {
            chrome.close();
        }
    }

    @BeforeEach
    void freshPage() {
        chrome.open(page);
    }

    @Test
    void requestsResolveWithTheirAnswerOrRejectWithTypedErrors() {
        JsonNode result = run("""
                const client = new ms.MultiStudioClient({ name: 'Probe' });
                const states = [];
                client.on('state', (change) => states.push(change.state));
                const outcome = async (request) => {
                  try {
                    return { kind: (await request).kind };
                  } catch (error) {
                    return { name: error.name, typed: error instanceof ms.MultiStudioError, code: error.code,
                             why: error.why, field: error.field, reason: error.reason };
                  }
                };
                const hello = await client.connect();
                const notFound = await outcome(client.joinRoom('no-such-room-' + Date.now()));
                const badLimit = await outcome(client.listRooms(0));
                const answers = await Promise.all([client.ping(), client.listRooms(), client.setUserData({ mood: 'ok' })]);
                const mood = client.user.data.mood;
                await client.close();
                const afterClose = await outcome(client.ping());
                return { hello: hello.kind, notFound, badLimit, kinds: answers.map((answer) => answer.kind), mood,
                         states, state: client.state, closeReason: client.closeReason, afterClose };
                """);
        assertThat(result.path("hello").asText()).isEqualTo("HELLO");
        assertThat(result.path("notFound").toString())
                .isEqualTo("{\"name\":\"MultiStudioError\",\"typed\":true,\"code\":\"NFND\",\"why\":\"ROOM_NOT_FOUND\",\"field\":null}");
        assertThat(result.path("badLimit").path("code").asText()).isEqualTo("BADR");
        assertThat(result.path("badLimit").path("why").asText()).isEqualTo("FIELD_INVALID");
        assertThat(result.path("badLimit").path("field").asText()).isEqualTo("limit");
        assertThat(texts(result.path("kinds"))).containsExactly("PONG", "ROOM_LIST", "USER_UPDATED");
        assertThat(result.path("mood").asText()).isEqualTo("ok");
        assertThat(texts(result.path("states"))).containsExactly("connecting", "connected", "closed");
        assertThat(result.path("closeReason").asText()).isEqualTo("bye");
        assertThat(result.path("afterClose").path("name").asText()).isEqualTo("ConnectionError");
        assertThat(result.path("afterClose").path("reason").asText()).isEqualTo("closed");
    }

    @Test
    void resumesAfterAServerCutButNotAfterATakeOver() {
        JsonNode entered = run("""
                const client = new ms.MultiStudioClient({ name: 'Resumer', initialDelay: 50 });
                window.probe = { client, states: [], retries: [] };
                client.on('state', (change) => window.probe.states.push(change));
                client.on('retry', (retry) => window.probe.retries.push(retry));
                await client.connect();
                const joined = await client.createRoom({ name: 'Resume test' });
                return { room: joined.room.id, user: client.user.id };
                """);
        chrome.connection(connections).closeAndAwait(new CloseReason(1012, "service restart"));
        chrome.waiting().until(driver -> run("""
                return window.probe.states.some((change) => change.state === 'resuming')
                    && window.probe.client.state === 'connected';
                """).asBoolean());
        JsonNode resumed = run("""
                const { client, states, retries } = window.probe;
                return { room: client.room.id, user: client.user.id, retries: retries.length,
                         states: states.map((change) => change.state), last: states[states.length - 1] };
                """);
        assertThat(resumed.path("room").asText()).isEqualTo(entered.path("room").asText());
        assertThat(resumed.path("user").asText()).isEqualTo(entered.path("user").asText());
        assertThat(texts(resumed.path("states"))).containsExactly("connecting", "connected", "resuming", "connected");
        assertThat(resumed.path("last").path("reconnected").asBoolean()).isTrue();
        assertThat(resumed.path("retries").asInt()).isEqualTo(1);

        chrome.connection(connections).closeAndAwait(new CloseReason(4000, "session taken over"));
        chrome.waiting().until(driver -> run("return window.probe.client.state === 'closed';").asBoolean());
        JsonNode closed = run("""
                const { client, retries } = window.probe;
                return { reason: client.closeReason, retries: retries.length, room: client.room };
                """);
        assertThat(closed.path("reason").asText()).isEqualTo("taken-over");
        assertThat(closed.path("retries").asInt()).isEqualTo(1);
        assertThat(closed.path("room").isNull()).isTrue();
    }

    @Test
    void replaysAreDeduplicatedInFlightRequestsSentAgainAndTheNewestTokenUsed() {
        JsonNode result = run(FAKE_SOCKET + """
                const client = new ms.MultiStudioClient('ws://fake/ws',
                    { name: 'Ada', WebSocket: FakeSocket, initialDelay: 10, heartbeatInterval: 0 });
                const seen = [];
                const states = [];
                const retries = [];
                client.on('MESSAGE', (message) => seen.push(message.seq));
                client.on('state', (change) => states.push(change.state + (change.sessionLost ? ':new-session' : '')));
                client.on('retry', (retry) => retries.push(retry.attempt));
                const room = { id: 'lobby', name: 'Lobby', owner: 'u0', capacity: 16, listed: true, has_password: false,
                               data: {}, member_count: 2, created_at: 1 };
                const members = [{ id: 'u0', name: 'Bob', data: {}, connected: true },
                                 { id: 'u1', name: 'Ada', data: {}, connected: true }];
                const message = (seq, extra = {}) => ({ kind: 'MESSAGE', room: 'lobby', seq, from: 'u0', data: {}, ...extra });

                const connected = client.connect();
                const first = await FakeSocket.opened(0);
                first.receive({ kind: 'HELLO', rid: first.sent[0].rid, user: members[1], reconnected: false,
                                reconnect_token: 't1' });
                await connected;
                const join = client.joinRoom('lobby');
                first.receive({ kind: 'JOINED_ROOM', rid: first.sent[1].rid, room, members, seq: 4, resumed: false,
                                recovered: false });
                await join;
                first.receive(message(5));
                first.receive(message(6));
                const inFlight = client.send({ text: 'in flight' }).then((answer) => answer.seq);
                first.drop(1006);
                const queued = client.send({ text: 'queued' });

                const second = await FakeSocket.opened(1);
                second.receive({ kind: 'HELLO', rid: second.sent[0].rid, user: members[1], reconnected: true,
                                 reconnect_token: 't2' });
                second.receive({ kind: 'JOINED_ROOM', rid: second.sent[0].rid, room: { ...room, member_count: 2 },
                                 members, seq: 8, resumed: true, recovered: true });
                second.receive(message(5));
                second.receive(message(6));
                second.receive(message(7));
                second.receive(message(9, { rid: second.sent[1].rid, from: 'u1' }));
                second.receive(message(10, { rid: second.sent[2].rid, from: 'u1' }));
                const queuedAnswer = await queued;
                const doomed = client.send({ text: 'in flight when the session is lost' }).catch((error) => error.reason);
                second.drop(1012);

                const third = await FakeSocket.opened(2);
                third.receive({ kind: 'HELLO', rid: third.sent[0].rid, user: { id: 'u7', name: 'Ada', data: {} },
                                reconnected: false, reconnect_token: 't3' });
                const afterReset = { room: client.room, members: client.members.length, lastSeq: client.lastSeq };
                third.drop(1000);
                return { hellos: FakeSocket.all.map((socket) => socket.sent[0]), resent: second.sent[1],
                         original: first.sent[2], seen, inFlight: await inFlight, queuedSeq: queuedAnswer.seq,
                         doomed: await doomed, afterReset, states, retries, closeReason: client.closeReason,
                         sockets: FakeSocket.all.length };
                """);
        List<JsonNode> hellos = List.of(result.path("hellos").get(0), result.path("hellos").get(1),
                result.path("hellos").get(2));
        assertThat(hellos.get(0).has("reconnect_token")).isFalse();
        assertThat(hellos.get(1).path("reconnect_token").asText()).isEqualTo("t1");
        assertThat(hellos.get(1).path("last_seq").asInt()).isEqualTo(6);
        assertThat(hellos.get(2).path("reconnect_token").asText()).isEqualTo("t2");
        assertThat(hellos.get(2).path("last_seq").asInt()).isEqualTo(10);
        assertThat(hellos).allSatisfy(hello -> assertThat(hello.path("name").asText()).isEqualTo("Ada"));
        assertThat(hellos).allSatisfy(hello -> assertThat(hello.has("key")).isFalse());
        assertThat(result.path("seen").toString()).isEqualTo("[5,6,7,9,10]");
        assertThat(result.path("resent").path("kind").asText()).isEqualTo("SEND");
        assertThat(result.path("resent").path("key").asText()).isNotBlank()
                .isEqualTo(result.path("original").path("key").asText());
        assertThat(result.path("inFlight").asInt()).isEqualTo(9);
        assertThat(result.path("queuedSeq").asInt()).isEqualTo(10);
        assertThat(result.path("doomed").asText()).isEqualTo("lost");
        assertThat(result.path("afterReset").toString()).isEqualTo("{\"room\":null,\"members\":0,\"lastSeq\":null}");
        assertThat(texts(result.path("states"))).containsExactly("connecting", "connected", "resuming", "connected",
                "resuming", "connected:new-session", "closed");
        assertThat(result.path("retries").toString()).isEqualTo("[1,1]");
        assertThat(result.path("closeReason").asText()).isEqualTo("ended");
        assertThat(result.path("sockets").asInt()).isEqualTo(3);
    }

    @Test
    void aSilentConnectionIsGivenUpByTheHeartbeat() {
        JsonNode result = run(FAKE_SOCKET + """
                const client = new ms.MultiStudioClient('ws://fake/ws',
                    { WebSocket: FakeSocket, initialDelay: 10, heartbeatInterval: 30, heartbeatTimeout: 30 });
                client.connect();
                const first = await FakeSocket.opened(0);
                first.receive({ kind: 'HELLO', rid: first.sent[0].rid, user: { id: 'u1', name: 'guest', data: {} },
                                reconnected: false, reconnect_token: 't1' });
                const second = await FakeSocket.opened(1);
                const result = { pinged: first.sent[1].kind, closedWith: first.closedWith, hello: second.sent[0],
                                 state: client.state };
                client.close();
                return result;
                """);
        assertThat(result.path("pinged").asText()).isEqualTo("PING");
        assertThat(result.path("closedWith").asInt()).isEqualTo(4100);
        assertThat(result.path("hello").path("reconnect_token").asText()).isEqualTo("t1");
        assertThat(result.path("state").asText()).isEqualTo("resuming");
    }

    /** A WebSocket stand-in that records what the client sends and delivers what the test script says. */
    private static final String FAKE_SOCKET = """
            class FakeSocket {
              static all = [];
              static async opened(index) {
                await new Promise(function poll(resolve) {
                  const socket = FakeSocket.all[index];
                  socket && socket.sent.length > 0 ? resolve() : setTimeout(() => poll(resolve), 2);
                });
                return FakeSocket.all[index];
              }
              constructor(url) {
                this.url = url;
                this.sent = [];
                FakeSocket.all.push(this);
                setTimeout(() => this.onopen?.({}), 0);
              }
              send(text) { this.sent.push(JSON.parse(text)); }
              close(code) { this.closedWith = code; }
              receive(message) { this.onmessage?.({ data: JSON.stringify(message) }); }
              drop(code) { this.onclose?.({ code }); }
            }
            """;

    private static JsonNode run(String body) {
        return chrome.module(body);
    }

    private static List<String> texts(JsonNode array) {
        return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }
}

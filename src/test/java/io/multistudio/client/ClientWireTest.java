package io.multistudio.client;

import static io.multistudio.client.ClientTests.TIMEOUT;
import static io.multistudio.client.ClientTests.answer;
import static io.multistudio.client.ClientTests.newRoomId;
import static io.multistudio.client.ClientTests.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** What the client offers tools and conformance tests: its own frames, no automatic reconnect or keys. */
@QuarkusTest
class ClientWireTest {

    @TestHTTPResource("/ws")
    URI uri;

    private MultiStudioClient wire(String name) {
        return new MultiStudioClient(ClientOptions.of(uri).withName(name).withAutoReconnect(false).withAutoKeys(false));
    }

    @Test
    void aConnectionOpenedWithoutHelloCarriesExactlyTheTextSentAndTakesTheSessionFromItsHelloAnswer() {
        MultiStudioClient ada = wire("unused");
        List<String> frames = record(ada.frames());
        answer(ada.open());
        assertThat(ada.state()).isEqualTo(ConnectionState.CONNECTING);
        answer(ada.sendText("{\"kind\":\"PING\",\"rid\":\"early\"}"));
        answer(ada.sendText("{\"kind\":\"HELLO\",\"name\":\"Ada\"}"));
        await().atMost(TIMEOUT).until(() -> frames.size() == 2);
        assertThat(frames.get(0)).contains("\"why\":\"HELLO_REQUIRED\"").contains("\"rid\":\"early\"");
        assertThat(frames.get(1)).startsWith("{\"kind\":\"HELLO\",\"user\":").doesNotContain("\"rid\"");
        await().atMost(TIMEOUT).until(() -> ada.state() == ConnectionState.OPEN);
        assertThat(ada.user().name()).isEqualTo("Ada");
        assertThat(answer(ada.ping()).ts()).as("typed requests work on the session the raw HELLO opened").isPositive();
        ada.close();
    }

    @Test
    void withoutAutoReconnectALossClosesTheClientWithItsCloseCode() {
        MultiStudioClient ada = wire("Ada");
        String token = answer(ada.connect()).reconnectToken();
        List<Retry> retries = record(ada.retries());
        assertThat(ada.closeCode()).isNull();
        ada.dropConnection();
        await().atMost(TIMEOUT).until(() -> ada.state() == ConnectionState.CLOSED);
        assertThat(ada.closeCode()).isEqualTo(1006);
        assertThat(retries).isEmpty();

        MultiStudioClient back = wire("unused");
        List<String> frames = record(back.frames());
        answer(back.open());
        answer(back.sendText("{\"kind\":\"HELLO\",\"reconnect_token\":\"" + token + "\"}"));
        await().atMost(TIMEOUT).until(() -> back.state() == ConnectionState.OPEN);
        assertThat(frames.get(0)).as("the dropped session waits in grace").contains("\"reconnected\":true");
        back.close();
    }

    @Test
    void disconnectClosesWithTheGivenCodeAndLeavesTheSessionResumable() {
        MultiStudioClient ada = wire("Ada");
        String token = answer(ada.connect()).reconnectToken();
        answer(ada.disconnect(1001));
        assertThat(ada.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(ada.closeCode()).isEqualTo(1001);

        MultiStudioClient back = new MultiStudioClient(ClientOptions.of(uri).withAutoReconnect(false));
        List<ServerMessage> messages = record(back.messages());
        answer(back.open());
        answer(back.sendText("{\"kind\":\"HELLO\",\"reconnect_token\":\"" + token + "\"}"));
        await().atMost(TIMEOUT).until(() -> back.state() == ConnectionState.OPEN);
        assertThat(messages).first().isInstanceOfSatisfying(ServerMessage.Hello.class,
                hello -> assertThat(hello.reconnected()).isTrue());
        back.close();
    }

    @Test
    void aKeyTheRequestCarriesIsSentAsItIs() {
        MultiStudioClient ada = wire("Ada");
        answer(ada.connect());
        answer(ada.createRoom(newRoomId()));
        var send = JsonNodeFactory.instance.objectNode().put("kind", "SEND").put("key", "mine").put("data", 1);
        RoomEvent.Message first = (RoomEvent.Message) answer(ada.request(send.deepCopy()));
        RoomEvent.Message again = (RoomEvent.Message) answer(ada.request(send.deepCopy().put("data", 2)));
        assertThat(again).as("the server remembered the key").isEqualTo(first);
        ada.close();
    }

    @Test
    void aConnectionThatCannotBeOpenedFailsOpenWithTheCause() {
        MultiStudioClient nowhere = new MultiStudioClient(ClientOptions.of(ClientTests.unreachableEndpoint())
                .withAutoReconnect(false));
        assertThatThrownBy(() -> answer(nowhere.open())).isInstanceOfSatisfying(ConnectionException.class,
                error -> assertThat(error.reason()).isEqualTo(ConnectionException.Reason.LOST))
                .hasCauseInstanceOf(ConnectException.class);
        assertThat(nowhere.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(nowhere.closeCode()).isEqualTo(1006);
    }
}

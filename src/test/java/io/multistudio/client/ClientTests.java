package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The Java client against the real server over real WebSockets. Run once per engine. */
abstract class ClientTests {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TestHTTPResource("/ws")
    URI uri;

    private final List<MultiStudioClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(MultiStudioClient::close);
    }

    MultiStudioClient client(String name) {
        return client(ClientOptions.of(uri).withName(name));
    }

    MultiStudioClient client(ClientOptions options) {
        MultiStudioClient client = new MultiStudioClient(options);
        clients.add(client);
        return client;
    }

    /** A connected client. */
    MultiStudioClient connected(String name) {
        MultiStudioClient client = client(name);
        answer(client.connect());
        return client;
    }

    static <T> T answer(Uni<T> request) {
        return request.await().atMost(TIMEOUT);
    }

    /** What {@code stream} emits from now on, in order. */
    static <T> List<T> record(Multi<T> stream) {
        List<T> items = new CopyOnWriteArrayList<>();
        stream.subscribe().with(items::add);
        return items;
    }

    static String newRoomId() {
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A WebSocket URI where nothing listens: the port was free a moment ago. */
    static URI unreachableEndpoint() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("ws://127.0.0.1:" + probe.getLocalPort() + "/ws");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<RoomEvent.Message> messages(List<RoomEvent> events) {
        return events.stream().filter(RoomEvent.Message.class::isInstance).map(RoomEvent.Message.class::cast).toList();
    }

    @Test
    void helloGivesTheUserItsNameDataAndAnOpenState() {
        MultiStudioClient ada = client(ClientOptions.of(uri).withName("Ada")
                .withData(JsonNodeFactory.instance.objectNode().put("color", "#0af")));
        List<ConnectionState> states = record(ada.states());
        ServerMessage.Hello hello = answer(ada.connect());
        assertThat(hello.user().name()).isEqualTo("Ada");
        assertThat(hello.user().data().path("color").asText()).isEqualTo("#0af");
        assertThat(hello.reconnected()).isFalse();
        assertThat(hello.reconnectToken()).isNotBlank();
        assertThat(ada.user()).isEqualTo(hello.user());
        assertThat(ada.state()).isEqualTo(ConnectionState.OPEN);
        assertThat(states).containsExactly(ConnectionState.CONNECTING, ConnectionState.OPEN);
    }

    @Test
    void everyRequestKindSettlesWithItsTypedAnswer() {
        String room = newRoomId();
        MultiStudioClient ada = connected("Ada");
        MultiStudioClient bob = connected("Bob");
        String bobId = bob.user().id();
        List<ServerMessage> bobSaw = record(bob.messages());

        ServerMessage.JoinedRoom created = answer(ada.createRoom(RoomSettings.create().room(room).name("Lobby")
                .capacity(5).password("pw").data(JsonNodeFactory.instance.objectNode().put("topic", "x"))));
        assertThat(created.room().owner()).isEqualTo(ada.user().id());
        assertThat(created.room().hasPassword()).isTrue();
        assertThat(created.room().data().path("topic").asText()).isEqualTo("x");
        ServerMessage.JoinedRoom joined = answer(bob.joinRoom(room, "pw", 0));
        assertThat(joined.members()).extracting(ServerMessage.Member::name).containsExactly("Ada", "Bob");

        RoomEvent.RoomUpdated updated = answer(ada.updateRoom(RoomSettings.create().name("Hall").password(null)));
        assertThat(updated.room().name()).isEqualTo("Hall");
        assertThat(updated.room().hasPassword()).isFalse();
        assertThat(answer(ada.listRooms(200)).rooms()).extracting(ServerMessage.Room::id).contains(room);
        assertThat(answer(ada.listRooms()).rooms()).extracting(ServerMessage.Room::id).contains(room);
        assertThat(answer(bob.setRoomData(Map.of("score", 3))).room().data().path("score").asInt()).isEqualTo(3);
        assertThat(answer(bob.setUserData(Map.of("ready", true))).user().data().path("ready").asBoolean()).isTrue();
        assertThat(bob.user().data().path("ready").asBoolean()).isTrue();

        RoomEvent.Message broadcast = answer(ada.send(Map.of("text", "hi")));
        assertThat(broadcast.from()).isEqualTo(ada.user().id());
        assertThat(broadcast.data().path("text").asText()).isEqualTo("hi");
        RoomEvent.Message direct = answer(ada.sendTo(bobId, "psst"));
        assertThat(direct.to()).isEqualTo(bobId);
        assertThat(answer(ada.ping()).ts()).isPositive();

        RoomEvent.UserLeft kicked = answer(ada.kick(bobId));
        assertThat(kicked.userId()).isEqualTo(bobId);
        assertThat(kicked.reason()).isEqualTo("kicked");
        await().atMost(TIMEOUT).until(() -> bobSaw.contains(new ServerMessage.LeftRoom(room, "kicked")));
        assertThat(bobSaw).filteredOn(RoomEvent.Message.class::isInstance).extracting(message -> ((RoomEvent) message).seq())
                .containsExactly(broadcast.seq(), direct.seq());

        assertThat(answer(ada.leaveRoom())).isEqualTo(new ServerMessage.LeftRoom(room, "left"));
        assertThat(answer(ada.request(JsonNodeFactory.instance.objectNode().put("kind", "PING"))))
                .isInstanceOf(ServerMessage.Pong.class);
        answer(ada.bye());
        assertThat(ada.state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void anErrorAnswerFailsTheRequestWithItsCodeWhyAndField() {
        MultiStudioClient ada = connected("Ada");
        assertThatThrownBy(() -> answer(ada.joinRoom(newRoomId()))).isInstanceOfSatisfying(MultiStudioException.class,
                error -> {
                    assertThat(error.kind()).isEqualTo("NFND");
                    assertThat(error.why()).isEqualTo("ROOM_NOT_FOUND");
                });
        assertThatThrownBy(() -> answer(ada.createRoom(RoomSettings.create().capacity(0))))
                .isInstanceOfSatisfying(MultiStudioException.class, error -> {
                    assertThat(error.kind()).isEqualTo("BADR");
                    assertThat(error.field()).isEqualTo("capacity");
                });
        assertThatThrownBy(() -> answer(ada.send("nobody hears"))).isInstanceOfSatisfying(MultiStudioException.class,
                error -> assertThat(error.why()).isEqualTo("NOT_IN_ROOM"));
        assertThat(ada.state()).as("an error answer leaves the session as it was").isEqualTo(ConnectionState.OPEN);
    }

    @Test
    void framesShowEachAnswerAsSentWithTheRequestsRid() {
        MultiStudioClient ada = connected("Ada");
        List<String> frames = record(ada.frames());
        answer(ada.ping());
        assertThat(frames).singleElement().asString().startsWith("{\"kind\":\"PONG\",\"rid\":\"");
    }

    @Test
    void roomEventsArriveOnceInSeqOrder() {
        String room = newRoomId();
        MultiStudioClient ada = connected("Ada");
        MultiStudioClient bob = connected("Bob");
        answer(ada.createRoom(room));
        List<RoomEvent> adaSaw = record(ada.events());
        answer(bob.joinRoom(room));
        List<Uni<RoomEvent.Message>> sends = IntStream.range(0, 30).mapToObj(bob::send).toList();
        List<Long> seqs = sends.stream().map(ClientTests::answer).map(RoomEvent::seq).toList();
        await().atMost(TIMEOUT).until(() -> messages(adaSaw).size() == 30);
        assertThat(adaSaw.get(0)).isInstanceOf(RoomEvent.UserJoined.class);
        assertThat(messages(adaSaw)).extracting(message -> message.data().asInt())
                .containsExactlyElementsOf(IntStream.range(0, 30).boxed().toList());
        assertThat(messages(adaSaw)).extracting(RoomEvent::seq).containsExactlyElementsOf(seqs).isSorted();
    }

    @Test
    void aDroppedConnectionResumesWithEveryMissedEventExactlyOnce() {
        String room = newRoomId();
        MultiStudioClient ada = connected("Ada");
        // The reconnect comes 4 to 8 s after the drop: Ada's messages meanwhile can only reach Bob by the replay.
        MultiStudioClient bob = client(ClientOptions.of(uri).withName("Bob")
                .withBackoff(Duration.ofSeconds(8), Duration.ofSeconds(8)));
        answer(bob.connect());
        answer(ada.createRoom(room));
        List<RoomEvent> adaSaw = record(ada.events());
        answer(bob.joinRoom(room));
        List<RoomEvent> bobSaw = record(bob.events());
        List<ServerMessage> bobMessages = record(bob.messages());
        List<ConnectionState> bobStates = record(bob.states());
        List<String> bobFrames = record(bob.frames());
        answer(ada.send(-1));
        await().atMost(TIMEOUT).until(() -> messages(bobSaw).size() == 1);

        bob.dropConnection();
        // Made while Bob is away: sent once the session is back, after the replay.
        Uni<RoomEvent.Message> queued = bob.send("back");
        await().atMost(TIMEOUT).until(() -> adaSaw.stream().anyMatch(RoomEvent.UserAway.class::isInstance));
        for (int i = 0; i < 10; i++) {
            answer(ada.send(i));
        }
        assertThat(bob.state()).isEqualTo(ConnectionState.RESUMING);
        assertThat(answer(queued).data().asText()).isEqualTo("back");
        answer(ada.send(10));

        List<String> expected = new ArrayList<>(IntStream.range(-1, 10).mapToObj(String::valueOf).toList());
        expected.add("back");
        expected.add("10");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(messages(bobSaw)).as("Bob received %s", bobFrames)
                .extracting(message -> message.data().asText()).containsExactlyElementsOf(expected));
        assertThat(bobSaw).extracting(RoomEvent::seq).isSorted().doesNotHaveDuplicates();
        assertThat(bobMessages).filteredOn(ServerMessage.JoinedRoom.class::isInstance)
                .singleElement().satisfies(joined -> {
                    assertThat(((ServerMessage.JoinedRoom) joined).resumed()).isTrue();
                    assertThat(((ServerMessage.JoinedRoom) joined).recovered()).isTrue();
                });
        assertThat(bobMessages).filteredOn(ServerMessage.Hello.class::isInstance)
                .singleElement().satisfies(hello -> assertThat(((ServerMessage.Hello) hello).reconnected()).isTrue());
        assertThat(bobStates).containsExactly(ConnectionState.RESUMING, ConnectionState.OPEN);
        await().atMost(TIMEOUT).until(() -> adaSaw.stream().anyMatch(RoomEvent.UserBack.class::isInstance));
    }

    @Test
    void eachLossMovesOnToTheNextEndpoint() {
        MultiStudioClient ada = client(ClientOptions.of(uri, unreachableEndpoint()).withName("Ada")
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(40)));
        answer(ada.connect());
        List<Retry> retries = record(ada.retries());
        List<ServerMessage> adaSaw = record(ada.messages());
        ada.dropConnection();
        await().atMost(TIMEOUT).until(() -> adaSaw.stream()
                .anyMatch(message -> message instanceof ServerMessage.Hello hello && hello.reconnected()));
        assertThat(retries).as("the second endpoint refused, the first took the resume")
                .extracting(Retry::attempt).containsExactly(1, 2);
        assertThat(ada.state()).isEqualTo(ConnectionState.OPEN);
    }

    @Test
    void aSessionTakenOverIsClosedAndNotResumed() {
        MultiStudioClient ada = connected("Ada");
        List<ServerMessage> adaSaw = record(ada.messages());
        List<Retry> retries = record(ada.retries());
        String token = answer(ada.connect()).reconnectToken();
        try (Wire thief = Wire.connect(uri)) {
            thief.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + Wire.quote(token) + "}");
            await().atMost(TIMEOUT).until(() -> ada.state() == ConnectionState.CLOSED);
        }
        assertThat(adaSaw).contains(new ServerMessage.Error("DENY", "SESSION_TAKEN_OVER", null, null));
        assertThat(retries).isEmpty();
        assertThatThrownBy(() -> answer(ada.ping())).isInstanceOfSatisfying(ConnectionException.class,
                error -> assertThat(error.reason()).isEqualTo(ConnectionException.Reason.CLOSED));
    }

    @Test
    void byeEndsTheSessionAndLaterRequestsFail() {
        String room = newRoomId();
        MultiStudioClient ada = connected("Ada");
        MultiStudioClient bob = connected("Bob");
        answer(ada.createRoom(room));
        answer(bob.joinRoom(room));
        List<RoomEvent> adaSaw = record(ada.events());
        answer(bob.bye());
        assertThat(bob.state()).isEqualTo(ConnectionState.CLOSED);
        await().atMost(TIMEOUT).until(() -> adaSaw.stream().anyMatch(event -> event instanceof RoomEvent.UserLeft left
                && left.userId().equals(bob.user().id()) && left.reason().equals("left")));
        assertThatThrownBy(() -> answer(bob.send("late"))).isInstanceOf(ConnectionException.class);
    }
}

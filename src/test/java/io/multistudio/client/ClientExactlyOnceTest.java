package io.multistudio.client;

import static io.multistudio.client.ClientTests.answer;
import static io.multistudio.client.ClientTests.messages;
import static io.multistudio.client.ClientTests.newRoomId;
import static io.multistudio.client.ClientTests.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/** What the client does with protocol v1.1 (§2.7a idempotent keys, §2.7b history) against the server's side of both. */
@QuarkusTest
class ClientExactlyOnceTest {

    /**
     * With the resends after the drop (at most half of them) and the join, under the default rate limit's burst (100):
     * the test is about drops, not rate limiting.
     */
    private static final int SENDS = 60;

    @TestHTTPResource("/ws")
    URI uri;

    private MultiStudioClient ada;
    private MultiStudioClient bob;

    @AfterEach
    void close() {
        for (MultiStudioClient client : new MultiStudioClient[] { ada, bob }) {
            if (client != null) {
                client.close();
            }
        }
    }

    private MultiStudioClient connected(String name) {
        MultiStudioClient client = new MultiStudioClient(ClientOptions.of(uri).withName(name));
        answer(client.connect());
        return client;
    }

    @Test
    void requestsInFlightWhenTheConnectionDropsTakeEffectExactlyOnce() {
        String room = newRoomId();
        ada = connected("Ada");
        bob = connected("Bob");
        answer(ada.createRoom(room));
        List<RoomEvent> adaSaw = record(ada.events());
        answer(bob.joinRoom(room));

        List<Uni<RoomEvent.Message>> sends = IntStream.range(0, SENDS).mapToObj(n -> {
            if (n == SENDS / 2) {
                bob.dropConnection();
            }
            return bob.send(n);
        }).toList();

        List<Integer> answered = sends.stream().map(ClientTests::answer).map(message -> message.data().asInt()).toList();
        assertThat(answered).containsExactlyElementsOf(IntStream.range(0, SENDS).boxed().toList());
        await().atMost(ClientTests.TIMEOUT).until(() -> adaSaw.stream().anyMatch(RoomEvent.UserBack.class::isInstance));
        answer(bob.send("last"));
        await().atMost(ClientTests.TIMEOUT).until(() -> messages(adaSaw).size() > SENDS);
        assertThat(messages(adaSaw)).extracting(message -> message.data().asText()).containsExactlyElementsOf(
                IntStream.rangeClosed(0, SENDS).mapToObj(n -> n == SENDS ? "last" : String.valueOf(n)).toList());
    }

    @Test
    void historyPagesBackThroughTheRoom() {
        String room = newRoomId();
        ada = connected("Ada");
        answer(ada.createRoom(room));
        List<Long> seqs = IntStream.range(0, 5).mapToObj(n -> answer(ada.send(n)).seq()).toList();

        ServerMessage.History latest = answer(ada.history(Long.MAX_VALUE, 3));
        assertThat(latest.room()).isEqualTo(room);
        assertThat(latest.events()).extracting(RoomEvent::seq).containsExactlyElementsOf(seqs.subList(2, 5));
        assertThat(latest.more()).isTrue();
        ServerMessage.History earlier = answer(ada.history(seqs.get(2), 100));
        assertThat(messages(earlier.events())).extracting(RoomEvent::seq).containsExactlyElementsOf(seqs.subList(0, 2));
        assertThat(answer(ada.history()).events()).extracting(RoomEvent::seq).containsAll(seqs);
    }

    @Test
    void aJoinWithHistoryDeliversTheLatestEventsOnceThenLiveOnes() {
        String room = newRoomId();
        ada = connected("Ada");
        bob = connected("Bob");
        answer(ada.createRoom(room));
        IntStream.range(0, 5).forEach(n -> answer(ada.send(n)));
        List<RoomEvent> bobSaw = record(bob.events());

        answer(bob.joinRoom(room, null, 2));
        answer(ada.send("live"));

        await().atMost(ClientTests.TIMEOUT).until(() -> messages(bobSaw).size() == 3);
        assertThat(messages(bobSaw)).extracting(message -> message.data().asText()).containsExactly("3", "4", "live");
        assertThat(bobSaw).extracting(RoomEvent::seq).isSorted().doesNotHaveDuplicates();
    }
}

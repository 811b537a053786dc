package io.multistudio.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.room.Room;
import io.multistudio.room.RoomEvent;
import io.multistudio.transport.Connection;
import io.multistudio.transport.RecordingWire;

/** The per-room sequencer on its own: whatever order events arrive in, members get them in seq order, once. */
class LocalRoomTest {

    private static final String ROOM = "r";
    private static final String INSTANCE = "i1";

    private final List<long[]> watchedGaps = new ArrayList<>();
    private final LocalRoom room = new LocalRoom(new Room(ROOM, INSTANCE, ROOM, "u_ada", 10,
            true, null, JsonNodeFactory.instance.objectNode(), 0, 0, 0, List.of()), 1, new Codec(),
            new ServerMetrics(new SimpleMeterRegistry()),
            (stalled, from, to) -> watchedGaps.add(new long[] { from, to }), () -> {
            }, new RecentEvents.Limits(16, 1_000, (millis, task) -> {
            }));

    @Test
    void eventsArrivingOutOfOrderAreDeliveredInSeqOrderOnce() {
        Recorder ada = member("u_ada", 0);

        room.offer(message(3, "u_bob", null));
        room.offer(message(1, "u_bob", null));
        room.offer(message(2, "u_bob", null));
        room.offer(message(2, "u_bob", null));
        room.offer(message(1, "u_bob", null));

        assertThat(ada.seqs()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aGapIsWatchedOnceAndSkippedWhenTheEventNeverComes() {
        Recorder ada = member("u_ada", 0);

        room.offer(message(1, "u_bob", null));
        room.offer(message(4, "u_bob", null));
        room.offer(message(5, "u_bob", null));
        assertThat(watchedGaps).hasSize(1);
        assertThat(watchedGaps.get(0)).containsExactly(2, 3);

        room.offer(message(2, "u_bob", null));
        room.skipGap(3);

        assertThat(ada.seqs()).containsExactly(1L, 2L, 4L, 5L);
    }

    @Test
    void aGapHoldingBackMoreEventsThanTheBoundIsGivenUpOnAtOnce() {
        Recorder ada = member("u_ada", 0);
        room.offer(message(1, "u_bob", null));
        long last = 2 + LocalRoom.MAX_PENDING_EVENTS;
        for (long seq = 3; seq <= last; seq++) {
            room.offer(message(seq, "u_bob", null));
        }
        assertThat(ada.seqs()).as("held up to the bound").containsExactly(1L);

        room.offer(message(last + 1, "u_bob", null));
        room.offer(message(2, "u_bob", null));
        room.offer(message(last + 2, "u_bob", null));

        List<Long> seqs = ada.seqs();
        assertThat(seqs).hasSize(LocalRoom.MAX_PENDING_EVENTS + 3).doesNotContain(2L);
        assertThat(seqs.subList(0, 2)).containsExactly(1L, 3L);
        assertThat(seqs.get(seqs.size() - 1)).isEqualTo(last + 2);
    }

    @Test
    void aGapHoldingBackMoreCharactersThanTheBoundIsGivenUpOnAtOnce() {
        Recorder ada = member("u_ada", 0);
        int eighth = (int) (LocalRoom.MAX_PENDING_CHARS / 8);
        for (long seq = 2; seq <= 8; seq++) {
            room.offer(padded(seq, eighth));
        }
        assertThat(ada.seqs()).as("seven eighths of the bound, and a little more, are held").isEmpty();

        room.offer(padded(9, eighth));

        assertThat(ada.seqs()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void eventsDeliveredOnceTheirGapClosedNoLongerCountAgainstTheBound() {
        Recorder ada = member("u_ada", 0);
        int eighth = (int) (LocalRoom.MAX_PENDING_CHARS / 8);
        List<Long> sent = new ArrayList<>();
        long seq = 1;
        for (int round = 0; round < 4; round++) {
            long missing = seq++;
            for (int held = 0; held < 4; held++) {
                room.offer(padded(seq, eighth));
                sent.add(seq++);
            }
            room.offer(message(missing, "u_bob", null));
            sent.add(sent.size() - 4, missing);
        }

        assertThat(ada.seqs()).as("every gap waited for").isEqualTo(sent);
    }

    @Test
    void directMessagesReachOnlySenderAndAddressee() {
        Recorder ada = member("u_ada", 0);
        Recorder bob = member("u_bob", 0);
        Recorder cy = member("u_cy", 0);

        room.offer(message(1, "u_ada", "u_bob"));

        assertThat(ada.seqs()).containsExactly(1L);
        assertThat(bob.seqs()).containsExactly(1L);
        assertThat(cy.seqs()).isEmpty();
    }

    @Test
    void aHeldMemberGetsWelcomeThenMissedThenHeldEventsWithoutDuplicates() {
        Recorder ada = new Recorder();
        LocalRoom.Member held = room.attach(ada.connection(), "u_ada", 0);

        room.offer(message(2, "u_bob", null));
        room.offer(message(1, "u_bob", null));
        room.offer(message(3, "u_bob", null));
        assertThat(ada.frames).isEmpty();

        held.release(List.of("{\"kind\":\"JOINED_ROOM\"}"), List.of(message(1, "u_bob", null), message(2, "u_bob", null)),
                2);

        assertThat(ada.frames.get(0)).isEqualTo("{\"kind\":\"JOINED_ROOM\"}");
        assertThat(ada.seqs()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aResumedMemberWhoseHistoryReadHasAGapGetsTheGapsEventWhenItComesThenTheRest() {
        // Seq 2 was still being committed elsewhere when the member's history was read: the read holds 1 and 3.
        Recorder ada = new Recorder();
        LocalRoom.Member held = room.attach(ada.connection(), "u_ada", 0);
        held.release(List.of(), List.of(message(1, "u_bob", null), message(3, "u_bob", null)), 1);
        assertThat(ada.seqs()).as("nothing past the gap before the gap's event").containsExactly(1L);

        room.offer(message(2, "u_carol", null));
        room.offer(message(3, "u_bob", null));
        room.offer(message(4, "u_bob", null));

        assertThat(ada.seqs()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aMemberJoiningARoomThatMovedOnGetsTheEventsPastAnOldGapFromTheRead() {
        Recorder bob = member("u_bob", 0);
        room.offer(message(1, "u_bob", null));
        room.offer(message(3, "u_bob", null));
        room.skipGap(2);
        assertThat(bob.seqs()).containsExactly(1L, 3L);

        Recorder ada = new Recorder();
        room.attach(ada.connection(), "u_ada", 0).release(List.of(),
                List.of(message(1, "u_bob", null), message(3, "u_bob", null)), 1);

        assertThat(ada.seqs()).as("seq 2 was never committed; this node delivered 3 already").containsExactly(1L, 3L);
    }

    @Test
    void theEventsDeliveredHereAnswerACatchUpUntilTheRoomSkipsAGap() {
        member("u_bob", 0);
        room.offer(message(1, "u_bob", null));
        room.offer(message(2, "u_bob", null));
        room.offer(message(4, "u_bob", null));
        assertThat(room.recent(0, 2)).extracting(RoomEvent::seq).containsExactly(1L, 2L);
        assertThat(room.recent(0, 4)).as("seq 4 waits for 3").isNull();

        room.skipGap(3);

        assertThat(room.recent(0, 4)).as("3 was skipped, never held").isNull();
        assertThat(room.recent(3, 4)).extracting(RoomEvent::seq).containsExactly(4L);
    }

    @Test
    void aCatchUpThatMovedTheRoomOnIsNotTakenForEventsDeliveredHere() {
        // Alone here, a member caught up to 5 from the history: the room goes on from 6 without 1 to 5.
        Recorder ada = new Recorder();
        room.attach(ada.connection(), "u_ada", 0).release(List.of(), List.of(message(5, "u_bob", null)), 5);
        room.offer(message(6, "u_bob", null));

        assertThat(room.recent(0, 6)).isNull();
        assertThat(room.recent(5, 6)).extracting(RoomEvent::seq).containsExactly(6L);
    }

    @Test
    void anEventAboutLeavingGivesThatMemberLeftRoomAndNothingAfter() {
        Recorder ada = member("u_ada", 0);
        Recorder bob = member("u_bob", 0);

        room.offer(new RoomEvent(ROOM, INSTANCE, 1, RoomEvent.USER_LEFT, "u_bob", null, null, null, null, "kicked",
                "{\"kind\":\"USER_LEFT\",\"seq\":1}", 0, null, 0));
        room.offer(message(2, "u_ada", null));

        assertThat(ada.seqs()).containsExactly(1L, 2L);
        assertThat(bob.frames).containsExactly("{\"kind\":\"LEFT_ROOM\",\"room\":\"r\",\"reason\":\"kicked\"}");
    }

    private Recorder member(String userId, long lastSeq) {
        Recorder recorder = new Recorder();
        room.attach(recorder.connection(), userId, lastSeq).release(List.of(), List.of(), lastSeq);
        return recorder;
    }

    private static RoomEvent message(long seq, String from, String to) {
        return new RoomEvent(ROOM, INSTANCE, seq, "MESSAGE", null, from, to, null, null, null,
                "{\"kind\":\"MESSAGE\",\"seq\":" + seq + "}", 0, null, 0);
    }

    /** A message whose text is longer than {@code padding} characters. */
    private static RoomEvent padded(long seq, int padding) {
        return new RoomEvent(ROOM, INSTANCE, seq, "MESSAGE", null, "u_bob", null, null, null, null,
                "{\"kind\":\"MESSAGE\",\"seq\":" + seq + ",\"data\":\"" + "x".repeat(padding) + "\"}", 0, null, 0);
    }

    /** A connection whose socket keeps what it is sent. */
    private static final class Recorder {

        private static int next;
        private final RecordingWire wire = RecordingWire.immediate();
        final List<String> frames = wire.frames();
        private final String id = "c" + next++;

        Connection connection() {
            return wire.connection(id);
        }

        List<Long> seqs() {
            return frames.stream().filter(frame -> frame.contains("\"seq\":"))
                    .map(frame -> Long.parseLong(frame.replaceAll(".*\"seq\":(\\d+).*", "$1"))).toList();
        }
    }
}

package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

class SeqFilterTest {

    private final SeqFilter filter = new SeqFilter();

    private static RoomEvent message(String room, long seq) {
        return new RoomEvent.Message(room, seq, "u1", TextNode.valueOf("m" + seq), null, false);
    }

    @Test
    void eventsAfterAJoinPassOnceInOrder() {
        filter.joined("r", 10, false, false);
        assertThat(filter.lastSeq()).isEqualTo(10);
        assertThat(filter.accept(message("r", 10))).isFalse();
        assertThat(filter.accept(message("r", 11))).isTrue();
        assertThat(filter.accept(message("r", 13))).isTrue();
        assertThat(filter.accept(message("r", 12))).isFalse();
        assertThat(filter.accept(message("r", 13))).isFalse();
        assertThat(filter.lastSeq()).isEqualTo(13);
    }

    @Test
    void aResumeDropsTheReplayedEventsAlreadyDelivered() {
        filter.joined("r", 10, false, false);
        filter.accept(message("r", 11));
        filter.accept(message("r", 12));
        filter.joined("r", 15, true, false);
        assertThat(filter.accept(message("r", 12))).isFalse();
        assertThat(filter.accept(message("r", 13))).isTrue();
        assertThat(filter.accept(message("r", 14))).isTrue();
        assertThat(filter.lastSeq()).isEqualTo(14);
    }

    @Test
    void historyAfterAJoinPassesAndTheResumePointStaysAtTheJoin() {
        filter.joined("r", 20, false, true);
        assertThat(filter.accept(message("r", 5))).isTrue();
        assertThat(filter.accept(message("r", 9))).isTrue();
        assertThat(filter.lastSeq()).as("events before the join are not owed on resume").isEqualTo(20);
        assertThat(filter.accept(message("r", 9))).isFalse();
        assertThat(filter.accept(message("r", 21))).isTrue();
        assertThat(filter.lastSeq()).isEqualTo(21);
    }

    @Test
    void aRememberedJoinAnswerDoesNotRewindTheRoom() {
        filter.joined("r", 10, true, false);
        filter.accept(message("r", 30));
        filter.joined("r", 10, false, false);
        assertThat(filter.accept(message("r", 30))).isFalse();
        assertThat(filter.lastSeq()).isEqualTo(30);
    }

    @Test
    void leavingForgetsTheRoom() {
        filter.joined("r", 10, false, false);
        filter.accept(message("r", 11));
        filter.left();
        assertThat(filter.lastSeq()).isNull();
        filter.joined("r", 1, false, false);
        assertThat(filter.accept(message("r", 2))).isTrue();
    }

    @Test
    void eventsOutsideTheCurrentRoomAreNotFiltered() {
        filter.joined("r", 10, false, false);
        assertThat(filter.accept(message("other", 1))).isTrue();
        assertThat(filter.accept(new RoomEvent.UserUpdated(null, 0, null))).isTrue();
        assertThat(new SeqFilter().lastSeq()).isNull();
    }
}

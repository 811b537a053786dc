package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-room sizes behind the history's bytes bound, without a store: a ring indexed by seq. */
class HistorySizesTest {

    private static final int KEPT = 1000;

    @Test
    void theOldestEventsPastTheBytesAreBeyondOnceAndForgotten() {
        HistorySizes.RoomSizes sizes = tenOf100Bytes(KEPT);

        assertThat(sizes.beyond(10, 350, 1)).isEqualTo(new HistorySizes.Range(1, 7));
        assertThat(sizes.beyond(10, 350, 1)).isNull();
        sizes.put(11, 100);
        assertThat(sizes.beyond(11, 350, 1)).isEqualTo(new HistorySizes.Range(8, 8));
    }

    @Test
    void eventsAboveTheHeadAndBelowTheCountFloorDoNotCount() {
        HistorySizes.RoomSizes sizes = tenOf100Bytes(KEPT);

        assertThat(sizes.beyond(4, 350, 1)).isEqualTo(new HistorySizes.Range(1, 1));
        assertThat(sizes.beyond(10, 1000, 6)).isNull();
        // Seqs 6 to 10 are left: 500 bytes.
        assertThat(sizes.beyond(10, 450, 1)).isEqualTo(new HistorySizes.Range(6, 6));
    }

    @Test
    void unheardSeqsCountForNothingAndAHeardAgainEventCountsOnce() {
        HistorySizes.RoomSizes sizes = new HistorySizes.RoomSizes(KEPT);
        sizes.put(1, 100);
        sizes.put(5, 100);
        sizes.put(5, 100);
        sizes.put(3, 100);

        assertThat(sizes.beyond(5, 300, 1)).isNull();
        assertThat(sizes.beyond(5, 150, 1)).isEqualTo(new HistorySizes.Range(1, 3));
    }

    @Test
    void theRingWrapsAndGrowsWithoutMixingUpSeqs() {
        HistorySizes.RoomSizes sizes = new HistorySizes.RoomSizes(KEPT);
        for (long seq = 1; seq <= 5_000; seq++) {
            sizes.put(seq, (int) (seq % 7) + 1);
            if (seq % 100 == 0) {
                assertThat(sizes.beyond(seq, Long.MAX_VALUE, seq - 40)).isNull();
            }
        }
        long expected = 0;
        long to = 5_000;
        while (expected + (to % 7) + 1 <= 50) {
            expected += (to % 7) + 1;
            to--;
        }

        assertThat(sizes.beyond(5_000, 50, 1)).isEqualTo(new HistorySizes.Range(4_960, to));
    }

    @Test
    void atMostTheCountBoundIsRememberedAndALateOldEventIsIgnored() {
        HistorySizes.RoomSizes sizes = tenOf100Bytes(4);
        sizes.put(2, 10_000);
        sizes.put(1_000_000, 100);

        assertThat(sizes.beyond(1_000_000, 50, 1)).isEqualTo(new HistorySizes.Range(1_000_000, 1_000_000));
    }

    private static HistorySizes.RoomSizes tenOf100Bytes(int kept) {
        HistorySizes.RoomSizes sizes = new HistorySizes.RoomSizes(kept);
        for (long seq = 1; seq <= 10; seq++) {
            sizes.put(seq, 100);
        }
        return sizes;
    }
}

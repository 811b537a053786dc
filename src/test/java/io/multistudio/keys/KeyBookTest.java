package io.multistudio.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The packed key book: ordinals, times, free places and the bound survive the packing. */
class KeyBookTest {

    private static final long OPENED = 1_796_000_000_000L;

    @Test
    void aKeyIsFoundWithItsOrdinalAndATimeNeverEarlierThanItsReservation() {
        KeyBook book = KeyBook.open(OPENED).reserve("a", OPENED + 1).reserve("b", OPENED + 12_345);
        assertThat(book.find("a")).extracting(KeyBook.Key::ordinal, KeyBook.Key::at).containsExactly(0L, OPENED + 100);
        assertThat(book.find("b")).extracting(KeyBook.Key::ordinal, KeyBook.Key::at)
                .containsExactly(1L, OPENED + 12_400);
        assertThat(book.find("c")).isNull();
        assertThat(KeyBook.open(OPENED).reserve("early", OPENED - 5_000).find("early").at()).isEqualTo(OPENED - 5_000);
    }

    @Test
    void aKeyGivenUpLeavesItsPlaceSoTheOthersKeepTheirOrdinals() {
        KeyBook book = KeyBook.open(OPENED).reserve("a", OPENED).reserve("b", OPENED).reserve("c", OPENED);
        KeyBook rest = book.without(book.find("b"));
        assertThat(rest.find("b")).isNull();
        assertThat(rest.find("c").ordinal()).isEqualTo(2);
        assertThat(rest.holds(book.find("b"))).isFalse();
        assertThat(rest.holds(book.find("c"))).isTrue();
        assertThat(rest.reserve("b", OPENED).find("b").ordinal()).isEqualTo(3);
        assertThat(rest.without(rest.find("a")).without(rest.find("c")).empty()).isTrue();
    }

    @Test
    void aRenewedKeyKeepsItsOrdinalAndIsNoLongerTheOneTakenOver() {
        KeyBook book = KeyBook.open(OPENED).reserve("a", OPENED);
        KeyBook renewed = book.renewed(book.find("a"), OPENED + 60_000);
        assertThat(renewed.find("a")).isEqualTo(new KeyBook.Key(book.find("a").key(), 0, OPENED + 60_000));
        assertThat(renewed.holds(book.find("a"))).isFalse();
    }

    @Test
    void pastTheCapacityTheOldestKeyIsForgottenAndTheBookStaysSmall() {
        KeyBook book = KeyBook.open(OPENED);
        for (int i = 0; i <= KeyBook.CAPACITY; i++) {
            book = book.reserve("a-key-of-21-characters".substring(0, 16) + i, OPENED + i * 1_000L);
        }
        assertThat(book.find("a-key-of-21-char0")).isNull();
        assertThat(book.find("a-key-of-21-char1").ordinal()).isEqualTo(1);
        assertThat(book.held()).hasSize(KeyBook.CAPACITY);
        assertThat(book.keys()).hasSize(KeyBook.CAPACITY * KeyBook.WIDTH);
    }
}

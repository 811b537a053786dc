package io.multistudio.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Random ids and guest names: their shape, and every character of the alphabet about as likely as the others. */
class IdsTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    @Test
    void userIdsAndGuestNamesHaveTheirShapeAndDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Ids.userId();
            assertThat(id).matches("u_[A-Za-z0-9]{16}");
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
        assertThat(Ids.guestName()).matches("guest-[a-z0-9]{4}");
    }

    @Test
    void everyCharacterIsAboutAsLikely() {
        int[] counts = new int[ALPHABET.length()];
        int draws = 20_000;
        String drawn = Ids.random(ALPHABET, ALPHABET.length() * draws);
        drawn.chars().forEach(c -> counts[ALPHABET.indexOf(c)]++);
        // 20,000 expected per character, standard deviation about 140; without skipping the bytes past 247, the first
        // eight characters would come a quarter more often.
        for (int count : counts) {
            assertThat(count).isBetween(draws - 1_000, draws + 1_000);
        }
    }
}

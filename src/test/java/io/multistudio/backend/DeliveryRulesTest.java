package io.multistudio.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The rules of webhook delivery that need no server: backoff, lane ownership, the signature. */
class DeliveryRulesTest {

    @Test
    void backoffDoublesFromTheFirstDelayUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(List.of(1, 2, 3, 4, 5, 60).stream().map(backoff::delayMillis))
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
    }

    @Test
    void everyNodeAgreesOnALanesOwnerWhateverTheOrderOfTheNodes() {
        List<String> nodes = List.of("node-a", "node-b", "node-c");
        for (int i = 0; i < 100; i++) {
            String lane = "room:r" + i;
            assertThat(Lanes.owner(lane, List.of("node-c", "node-a", "node-b"))).isEqualTo(Lanes.owner(lane, nodes));
        }
    }

    @Test
    void lanesSpreadOverTheNodesAndOnlyADeadNodesLanesMove() {
        List<String> three = List.of("node-a", "node-b", "node-c");
        List<String> two = List.of("node-a", "node-c");
        Map<String, Integer> owned = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String lane = "room:r" + i;
            String before = Lanes.owner(lane, three);
            owned.merge(before, 1, Integer::sum);
            String after = Lanes.owner(lane, two);
            if (!before.equals("node-b")) {
                assertThat(after).as(lane).isEqualTo(before);
            }
        }
        assertThat(owned.values()).allSatisfy(count -> assertThat(count).isBetween(60, 140));
    }

    @Test
    void theSignatureIsTheHexHmacSha256OfTheBody() {
        // RFC 4231 test case 2.
        assertThat(Signature.of("what do ya want for nothing?", "Jefe"))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}

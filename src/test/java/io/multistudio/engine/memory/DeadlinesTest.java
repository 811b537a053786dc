package io.multistudio.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keys bucketed by deadline: only what is due comes out, once. */
class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines(100);

    @Test
    void aKeyIsDueOnceTheTickOfItsDeadlineHasPassed() {
        deadlines.move("a", Deadlines.NEVER, 1_050);
        deadlines.move("b", Deadlines.NEVER, 1_100);
        deadlines.move("c", Deadlines.NEVER, 1_101);

        assertThat(deadlines.due(1_099)).isEmpty();
        assertThat(deadlines.due(1_100)).containsExactlyInAnyOrder("a", "b");
        assertThat(deadlines.due(1_150)).isEmpty();
        assertThat(deadlines.due(1_200)).containsExactly("c");
        assertThat(deadlines.due(5_000)).isEmpty();
    }

    @Test
    void aRemovedKeyIsNeverDue() {
        deadlines.move("a", Deadlines.NEVER, 1_050);
        deadlines.move("b", Deadlines.NEVER, 1_050);
        deadlines.move("a", 1_050, Deadlines.NEVER);
        deadlines.move("b", 1_050, 2_050);

        assertThat(deadlines.due(1_100)).isEmpty();
        assertThat(deadlines.due(2_100)).containsExactly("b");
    }

    @Test
    void aKeyRewrittenWithinItsTickIsDueOnceWithIt() {
        deadlines.move("a", Deadlines.NEVER, 1_010);
        deadlines.move("a", 1_010, 1_060);
        deadlines.move("a", 1_060, 1_100);

        assertThat(deadlines.due(1_100)).containsExactly("a");
        assertThat(deadlines.due(5_000)).isEmpty();
    }

    @Test
    void aKeyThatNoLongerExpiresLeavesItsTick() {
        deadlines.move("a", Deadlines.NEVER, 1_050);
        deadlines.move("a", 1_050, Deadlines.NEVER);

        assertThat(deadlines.due(5_000)).isEmpty();
    }
}

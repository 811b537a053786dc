package io.multistudio.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keys bucketed by deadline: only what is due comes out, once. */
class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines(100);

    @Test
    void aKeyIsDueOnceTheTickOfItsDeadlineHasPassed() {
        deadlines.add("a", 1_050);
        deadlines.add("b", 1_100);
        deadlines.add("c", 1_101);

        assertThat(deadlines.due(1_099)).isEmpty();
        assertThat(deadlines.due(1_100)).containsExactlyInAnyOrder("a", "b");
        assertThat(deadlines.due(1_150)).isEmpty();
        assertThat(deadlines.due(1_200)).containsExactly("c");
        assertThat(deadlines.due(5_000)).isEmpty();
    }

    @Test
    void aRemovedKeyIsNeverDue() {
        deadlines.add("a", 1_050);
        deadlines.add("b", 1_050);
        deadlines.remove("a", 1_050);
        deadlines.remove("b", 1_050);
        deadlines.add("b", 2_050);

        assertThat(deadlines.due(1_100)).isEmpty();
        assertThat(deadlines.due(2_100)).containsExactly("b");
    }
}

package io.multistudio.engine.infinispan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A node's own write is recognized when the store's event brings it back, and nothing else is. */
class OwnWritesTest {

    private record Value(String text) {
    }

    private final OwnWrites<Value> own = listened();

    private static OwnWrites<Value> listened() {
        OwnWrites<Value> own = new OwnWrites<>();
        own.listened();
        return own;
    }

    @Test
    void anOwnWriteComesBackAsTheValueWritten() {
        Value value = new Value("a");
        assertThat(own.writing("k", value, "{\"text\":\"a\"}")).isEqualTo("{\"text\":\"a\"}");

        assertThat(own.heard("k", "{\"text\":\"a\"}")).isSameAs(value);
        // Heard once: the same text again (another node wrote it since) is parsed.
        assertThat(own.heard("k", "{\"text\":\"a\"}")).isNull();
    }

    @Test
    void anotherTextUnderTheKeyIsNotOwn() {
        Value value = new Value("a");
        own.writing("k", value, "{\"text\":\"a\"}");

        assertThat(own.heard("k", "{\"text\":\"b\"}")).isNull();
        // The other node's write came first; ours still comes back afterwards.
        assertThat(own.heard("k", "{\"text\":\"a\"}")).isSameAs(value);
    }

    @Test
    void aWriteThatLostItsRaceIsForgotten() {
        Value value = new Value("a");
        own.writing("k", value, "{\"text\":\"a\"}");

        assertThat(own.applied("k", value, false)).isFalse();

        assertThat(own.heard("k", "{\"text\":\"a\"}")).isNull();
    }

    @Test
    void anAppliedWriteWaitsForItsEvent() {
        Value value = new Value("a");
        own.writing("k", value, "{\"text\":\"a\"}");

        assertThat(own.applied("k", value, true)).isTrue();

        assertThat(own.heard("k", "{\"text\":\"a\"}")).isSameAs(value);
    }

    @Test
    void writesNobodyListensToAreNotRemembered() {
        OwnWrites<Value> unheard = new OwnWrites<>();
        unheard.writing("k", new Value("a"), "{\"text\":\"a\"}");

        assertThat(unheard.heard("k", "{\"text\":\"a\"}")).isNull();
    }

    @Test
    void writesWhoseEventsNeverCameAreBounded() {
        for (int i = 0; i <= OwnWrites.MAX_PENDING; i++) {
            own.writing("k" + i, new Value("v" + i), "t" + i);
        }

        // Past the bound the older writes were forgotten: only the newest is still recognized.
        assertThat(own.heard("k0", "t0")).isNull();
        assertThat(own.heard("k" + OwnWrites.MAX_PENDING, "t" + OwnWrites.MAX_PENDING)).isNotNull();
    }
}

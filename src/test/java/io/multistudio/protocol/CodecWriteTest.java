package io.multistudio.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Codec#write} reuses one generator per thread: each message must still come out whole and alone. */
class CodecWriteTest {

    private final Codec codec = new Codec();

    record Pair(String first, String second) {
    }

    /** Fails half-way through its object: after {@code first} was written. */
    record Broken(String first, String second) {
        @Override
        public String second() {
            throw new IllegalStateException("broken");
        }
    }

    @Test
    void messagesAfterOneAnotherComeOutAlone() {
        assertThat(codec.write(new Pair("a", "b"))).isEqualTo("{\"first\":\"a\",\"second\":\"b\"}");
        assertThat(codec.write(new Pair("c", null))).isEqualTo("{\"first\":\"c\"}");
        assertThat(codec.write("text")).isEqualTo("\"text\"");
    }

    @Test
    void aWriteThatFailsHalfWayLeavesNothingForTheNext() {
        assertThatThrownBy(() -> codec.write(new Broken("a", "b"))).isInstanceOf(IllegalStateException.class);
        assertThat(codec.write(new Pair("c", "d"))).isEqualTo("{\"first\":\"c\",\"second\":\"d\"}");
    }

    @Test
    void aLargeMessageIsWrittenWholeAndTheNextSmallOneAlone() {
        String large = "x".repeat(ReusedWriter.KEPT_CAPACITY * 2);
        assertThat(codec.write(new Pair(large, "b"))).isEqualTo("{\"first\":\"" + large + "\",\"second\":\"b\"}");
        assertThat(codec.write(new Pair("c", "d"))).isEqualTo("{\"first\":\"c\",\"second\":\"d\"}");
    }
}

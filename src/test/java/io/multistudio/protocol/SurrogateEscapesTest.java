package io.multistudio.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Unpaired surrogates are written as escapes, every other character as itself. */
class SurrogateEscapesTest {

    private final Codec codec = new Codec();

    @Test
    void everySurrogateIsEscapedWithItsOwnCode() {
        assertThat(codec.write("a\ud800b\udfff")).isEqualTo("\"a\\ud800b\\udfff\"");
        for (int ch = Character.MIN_SURROGATE; ch <= Character.MAX_SURROGATE; ch++) {
            assertThat(codec.write(String.valueOf((char) ch))).isEqualTo("\"" + String.format("\\u%04x", ch) + "\"");
        }
    }

    @Test
    void otherCharactersAreWrittenAsThemselves() {
        assertThat(codec.write("é€\u2028\"")).isEqualTo("\"é€\u2028\\\"\"");
    }

    @Test
    void anEscapedSurrogateReadsBackAsSent() throws Exception {
        String lone = "x\udbff";
        assertThat(codec.mapper().readValue(codec.write(lone), String.class)).isEqualTo(lone);
    }
}

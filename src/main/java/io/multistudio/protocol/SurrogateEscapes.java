package io.multistudio.protocol;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Writes UTF-16 surrogates as JSON unicode escapes (backslash, u, four hex digits). A client may send a string with an unpaired surrogate (a
 * {@code rid}, a name); as raw text it could not be encoded into the UTF-8 frame and would come back as {@code ?},
 * escaped it comes back exactly as sent. Paired surrogates (emoji) stay valid JSON either way.
 */
final class SurrogateEscapes extends CharacterEscapes {

    private final int[] asciiEscapes = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
        return asciiEscapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return Character.isSurrogate((char) ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
}

package io.multistudio.protocol;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * Writes UTF-16 surrogates as JSON unicode escapes (backslash, u, four hex digits). A client may send a string with an
 * unpaired surrogate (a {@code rid}, a name); as raw text it could not be encoded into the UTF-8 frame and would come
 * back as {@code ?}, escaped it comes back exactly as sent. Paired surrogates (emoji) stay valid JSON either way.
 * Jackson asks for every non-ASCII character it writes, so the escapes of all 2,048 surrogates are made once.
 */
final class SurrogateEscapes extends CharacterEscapes {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final SerializedString[] ESCAPES = new SerializedString[Character.MAX_SURROGATE
            - Character.MIN_SURROGATE + 1];

    static {
        for (int i = 0; i < ESCAPES.length; i++) {
            ESCAPES[i] = new SerializedString(escape(Character.MIN_SURROGATE + i));
        }
    }

    private final int[] asciiEscapes = standardAsciiEscapesForJSON();

    @Override
    public int[] getEscapeCodesForAscii() {
        return asciiEscapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        return Character.isSurrogate((char) ch) ? ESCAPES[ch - Character.MIN_SURROGATE] : null;
    }

    static String escape(int ch) {
        return new String(new char[] { '\\', 'u', HEX[ch >> 12 & 0xf], HEX[ch >> 8 & 0xf], HEX[ch >> 4 & 0xf],
                HEX[ch & 0xf] });
    }
}

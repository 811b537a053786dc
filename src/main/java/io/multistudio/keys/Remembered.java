package io.multistudio.keys;

/**
 * What one answer slot of a session's {@link KeyBook} holds: the direct answer of the key of {@code ordinal}. The slot
 * is reused by the key {@link KeyBook#CAPACITY} ordinals later, so the ordinal tells whose answer it is.
 *
 * @param answer the direct answer as sent, without {@code rid}
 */
public record Remembered(long ordinal, String answer) {

    /** Whether this is the answer of {@code key}, not one an earlier key left in its slot. */
    boolean answers(KeyBook.Key key) {
        return ordinal == key.ordinal();
    }
}

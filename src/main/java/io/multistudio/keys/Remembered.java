package io.multistudio.keys;

/**
 * What the engine holds for one key of one session: a reservation while the request executes, then its direct answer.
 *
 * @param answer the direct answer as sent, without {@code rid}; {@code null} while the request executes
 * @param at when the reservation or answer was written, epoch millis
 */
public record Remembered(String answer, long at) {

    boolean pending() {
        return answer == null;
    }
}

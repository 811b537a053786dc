package io.multistudio.engine;

/** Counts the bytes of the values an engine sends to its store and reads back, per map. */
public interface StoreBytes {

    /** Counts nothing: for engines built outside the server, in tests. */
    StoreBytes NONE = (map, direction, bytes) -> {
    };

    /**
     * @param direction {@code written} or {@code read}
     * @param bytes the value's serialized length in characters, which is its size in bytes for ASCII JSON
     */
    void record(String map, String direction, int bytes);
}

package io.multistudio.keys;

import java.util.ArrayDeque;

/**
 * The keys one connection had remembered, oldest first, so that each connection keeps at most
 * {@link #CAPACITY} of them in the engine: past that, the oldest is forgotten.
 */
public final class KeyRing {

    static final int CAPACITY = 256;

    private final ArrayDeque<String> keys = new ArrayDeque<>();

    /** Adds {@code key}; returns the key it displaced, {@code null} if the ring had room. */
    synchronized String add(String key) {
        keys.addLast(key);
        return keys.size() > CAPACITY ? keys.removeFirst() : null;
    }
}

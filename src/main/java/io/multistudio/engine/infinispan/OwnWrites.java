package io.multistudio.engine.infinispan;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values this node wrote to a listened cache and has not heard back yet. The store's write events reach every
 * node, the writer too, so each of this node's writes comes back as its JSON text: an event that carries exactly the
 * text this node wrote under that key is its own write, and its value is handed on as written instead of being parsed
 * again (on the Infinispan engine, parsing its own room events back was a sizeable share of the work per event).
 * Anything else (another node's write, one of ours that lost its race) is parsed as usual.
 */
final class OwnWrites<V> {

    /**
     * Writes remembered at most. A write whose event never comes (the listener failed over, the write failed) stays
     * until then; past it everything is forgotten, which costs only parses.
     */
    static final int MAX_PENDING = 4096;

    private final Map<String, Written<V>> pending = new ConcurrentHashMap<>();
    /** Whether the cache's writes are listened to: if not, no write comes back and none is remembered. */
    private volatile boolean listened;

    void listened() {
        listened = true;
    }

    /** This node is about to write {@code text}, the JSON of {@code value}, under {@code key}; yields the text. */
    String writing(String key, V value, String text) {
        if (!listened) {
            return text;
        }
        if (pending.size() >= MAX_PENDING) {
            pending.clear();
        }
        pending.put(key, new Written<>(text, value));
        return text;
    }

    /**
     * Whether the write of {@code value} under {@code key} was {@code applied}; one that was not (a lost race) is
     * forgotten, as no event will match it.
     */
    boolean applied(String key, V value, boolean applied) {
        if (!applied && listened) {
            pending.computeIfPresent(key, (k, written) -> written.value() == value ? null : written);
        }
        return applied;
    }

    /** The value this node wrote as {@code text} under {@code key}, now heard back; {@code null} if not its own. */
    V heard(String key, String text) {
        Written<V> written = pending.get(key);
        if (written == null || !written.text().equals(text)) {
            return null;
        }
        pending.remove(key, written);
        return written.value();
    }

    private record Written<V>(String text, V value) {
    }
}

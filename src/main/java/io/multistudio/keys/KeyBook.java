package io.multistudio.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys of one session (PROTOCOL.md §2.7a) as the engine holds them, under the session's id: its last
 * {@link #CAPACITY} keyed requests that took effect or are executing, oldest first. A key is written here before its
 * request executes (that write is the reservation), and its answer goes to the slot of its ordinal, which the key
 * {@link #CAPACITY} ordinals later reuses, so the bound costs no write of its own. Whether a key is answered is told
 * by its slot, not by this book, so answering costs no write here either.
 *
 * @param id names this book's answer slots, so that a book that replaced an earlier one of the same session id (an
 *        authenticated user's fresh session) never reads, or removes, the answers the earlier one left
 * @param next the ordinal the next key gets
 * @param keys the keys, oldest first, at most {@link #CAPACITY}
 */
public record KeyBook(String id, long next, List<Key> keys) {

    /** The keys a session remembers at least (PROTOCOL.md §2.7a); also how many answer slots it uses at most. */
    public static final int CAPACITY = 256;

    /**
     * One key of the session.
     *
     * @param ordinal where its answer is kept: slot {@code ordinal mod CAPACITY}
     * @param at when it was reserved, epoch millis: a key that has no answer long after that lost its execution
     */
    public record Key(String key, long ordinal, long at) {
    }

    static KeyBook open() {
        return new KeyBook(Long.toHexString(ThreadLocalRandom.current().nextLong()), 0, List.of());
    }

    /**
     * What the effects of an execution of {@code held} carry, so that a resend can tell whether it took effect: its
     * book and key, hashed to a few bytes.
     */
    String mark(Key held) {
        return hash(id + "/" + held.key());
    }

    /** {@code text} in 64 bits of its SHA-256, 11 characters: two texts collide once in billions of billions. */
    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, Long.BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The slot of the answer of the key with {@code ordinal}. */
    static int slot(long ordinal) {
        return (int) Math.floorMod(ordinal, (long) CAPACITY);
    }

    /** How many slots this book's keys may have used: those are all the answers it can have left behind. */
    int slotsUsed() {
        return (int) Math.min(next, CAPACITY);
    }

    Key find(String key) {
        for (Key held : keys) {
            if (held.key().equals(key)) {
                return held;
            }
        }
        return null;
    }

    /** Reserves {@code key} at the next ordinal; past the capacity the oldest key is forgotten. */
    KeyBook reserve(String key, long at) {
        List<Key> more = new ArrayList<>(keys.size() + 1);
        more.addAll(keys.size() < CAPACITY ? keys : keys.subList(keys.size() - CAPACITY + 1, keys.size()));
        more.add(new Key(key, next, at));
        return new KeyBook(id, next + 1, List.copyOf(more));
    }

    /** {@code held} reserved again at {@code at}, by a request that takes over a lost execution. */
    KeyBook renewed(Key held, long at) {
        return new KeyBook(id, next, keys.stream()
                .map(key -> key.equals(held) ? new Key(held.key(), held.ordinal(), at) : key).toList());
    }

    /** Without {@code held}: its request did not take effect, so the key may execute again. */
    KeyBook without(Key held) {
        return new KeyBook(id, next, keys.stream().filter(key -> !key.equals(held)).toList());
    }
}

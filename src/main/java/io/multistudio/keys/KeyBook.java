package io.multistudio.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.multistudio.protocol.Sha256;

/**
 * The keys of one session (PROTOCOL.md §2.7a) as the engine holds them, under the session's id: its last
 * {@link #CAPACITY} keyed requests that took effect or are executing, oldest first. A key is written here before its
 * request executes (that write is the reservation), and its answer goes to the slot of its ordinal, which the key
 * {@link #CAPACITY} ordinals later reuses, so the bound costs no write of its own. Whether a key is answered is told
 * by its slot, not by this book, so answering costs no write here either.
 *
 * <p>The whole book is read and written by every keyed request, so it is packed: each key is {@link #WIDTH}
 * characters, a hash of the client's key and when it was reserved, and its ordinal is its place (the newest key has
 * ordinal {@code next - 1}); a key given up leaves its place, marked free, so that the others keep their ordinals.
 *
 * @param id names this book's answer slots, so that a book that replaced an earlier one of the same session id (an
 *        authenticated user's fresh session) never reads, or removes, the answers the earlier one left
 * @param next the ordinal the next key gets
 * @param base when the book was opened, epoch millis: the keys' times are counted from it
 * @param keys the keys, oldest first, at most {@link #CAPACITY}, {@link #WIDTH} characters each
 */
public record KeyBook(String id, long next, long base, String keys) {

    /** The keys a session remembers at least (PROTOCOL.md §2.7a); also how many answer slots it uses at most. */
    public static final int CAPACITY = 256;
    /** Characters of a key's hash: 48 bits, so two of a session's keys collide once in billions of sessions. */
    static final int HASH = 8;
    /** Characters of a key's time: tenths of a second from the book's base, ± 1.7 years. */
    static final int TIME = 5;
    static final int WIDTH = HASH + TIME;
    private static final String FREE = ".".repeat(HASH);
    private static final long TICK = 100;
    private static final long ZERO = 1L << (6 * TIME - 1);
    private static final String DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /**
     * One key of the session.
     *
     * @param key the client's key, hashed
     * @param ordinal where its answer is kept: slot {@code ordinal mod CAPACITY}
     * @param at when it was reserved, epoch millis, rounded up to a tenth of a second: a key that has no answer long
     *        after that lost its execution
     */
    public record Key(String key, long ordinal, long at) {
    }

    static KeyBook open(long now) {
        return new KeyBook(Long.toHexString(ThreadLocalRandom.current().nextLong()), 0, now, "");
    }

    /** How many keys the book holds, free places included. */
    public int size() {
        return keys.length() / WIDTH;
    }

    /** Whether every key was given up. */
    boolean empty() {
        return held().isEmpty();
    }

    /** The slot of the answer of the key with {@code ordinal}. */
    static int slot(long ordinal) {
        return (int) Math.floorMod(ordinal, (long) CAPACITY);
    }

    /** How many slots this book's keys may have used: those are all the answers it can have left behind. */
    int slotsUsed() {
        return (int) Math.min(next, CAPACITY);
    }

    /** The client's {@code key}, if the book holds it. */
    Key find(String key) {
        String hashed = hash(key).substring(0, HASH);
        for (int place = 0; place < size(); place++) {
            Key held = at(place);
            if (held != null && held.key().equals(hashed)) {
                return held;
            }
        }
        return null;
    }

    /** Whether the book still holds {@code held} as it was: not given up, forgotten, nor taken over. */
    boolean holds(Key held) {
        long place = held.ordinal() - (next - size());
        return place >= 0 && place < size() && held.equals(at((int) place));
    }

    /** Reserves the client's {@code key} at the next ordinal; past the capacity the oldest key is forgotten. */
    KeyBook reserve(String key, long at) {
        String kept = size() < CAPACITY ? keys : keys.substring(WIDTH);
        return new KeyBook(id, next + 1, base, kept + hash(key).substring(0, HASH) + time(at));
    }

    /** {@code held} reserved again at {@code at}, by a request that takes over a lost execution. */
    KeyBook renewed(Key held, long at) {
        return replaced(held, held.key() + time(at));
    }

    /** Without {@code held}: its request did not take effect, so the key may execute again. */
    KeyBook without(Key held) {
        return replaced(held, FREE + time(held.at()));
    }

    /**
     * What the effects of an execution of {@code held} carry, so that a resend can tell whether it took effect: its
     * book and key, hashed to a few bytes.
     */
    String mark(Key held) {
        return hash(id + "/" + held.key());
    }

    /** {@code text} in 64 bits of its SHA-256, 11 characters. */
    static String hash(String text) {
        return Sha256.base64(Arrays.copyOf(Sha256.of(text), Long.BYTES));
    }

    /** The keys, oldest first, free places left out. */
    public List<Key> held() {
        List<Key> held = new ArrayList<>(size());
        for (int place = 0; place < size(); place++) {
            Key key = at(place);
            if (key != null) {
                held.add(key);
            }
        }
        return held;
    }

    /** The key at {@code place}, {@code null} if it is free. */
    private Key at(int place) {
        String entry = keys.substring(place * WIDTH, (place + 1) * WIDTH);
        return entry.startsWith(FREE) ? null
                : new Key(entry.substring(0, HASH), next - size() + place, time(entry.substring(HASH)));
    }

    private KeyBook replaced(Key held, String entry) {
        int place = (int) (held.ordinal() - (next - size()));
        return new KeyBook(id, next, base, keys.substring(0, place * WIDTH) + entry
                + keys.substring((place + 1) * WIDTH));
    }

    /** {@code at} in tenths of a second from the base, rounded up so that a reservation never looks older. */
    private String time(long at) {
        long ticks = Math.floorDiv(at - base + TICK - 1, TICK) + ZERO;
        char[] digits = new char[TIME];
        for (int i = TIME - 1; i >= 0; i--) {
            digits[i] = DIGITS.charAt((int) (ticks & 63));
            ticks >>= 6;
        }
        return new String(digits);
    }

    private long time(String digits) {
        long ticks = 0;
        for (int i = 0; i < TIME; i++) {
            ticks = ticks << 6 | DIGITS.indexOf(digits.charAt(i));
        }
        return base + (ticks - ZERO) * TICK;
    }
}

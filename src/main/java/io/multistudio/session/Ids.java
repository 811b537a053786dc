package io.multistudio.session;

import java.security.SecureRandom;

/** Random identifiers and default names. */
public final class Ids {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String LOWER_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new user id: {@code u_} and 16 characters, about 95 random bits. */
    public static String userId() {
        return "u_" + random(ALPHABET, 16);
    }

    /** The name of a user who gave none: {@code guest-} and 4 characters. */
    public static String guestName() {
        return "guest-" + random(LOWER_ALPHABET, 4);
    }

    /**
     * {@code length} characters drawn uniformly from {@code alphabet}, from one draw of random bytes: each call of
     * the platform's secure random reads the system's source and mixes anew, which one call per character made a
     * visible share of every {@code HELLO}.
     * A byte at or past the largest multiple of the alphabet's size is skipped, so that every character is as likely.
     */
    static String random(String alphabet, int length) {
        int limit = 256 - 256 % alphabet.length();
        byte[] bytes = new byte[length + length / 2];
        int next = bytes.length;
        StringBuilder id = new StringBuilder(length);
        while (id.length() < length) {
            if (next == bytes.length) {
                RANDOM.nextBytes(bytes);
                next = 0;
            }
            int value = bytes[next++] & 0xFF;
            if (value < limit) {
                id.append(alphabet.charAt(value % alphabet.length()));
            }
        }
        return id.toString();
    }
}

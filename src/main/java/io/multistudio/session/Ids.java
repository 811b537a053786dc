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

    static String random(String alphabet, int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}

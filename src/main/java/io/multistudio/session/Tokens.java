package io.multistudio.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Reconnect tokens: {@code <user id>.<secret>}. The secret has 192 random bits and only its SHA-256 hash is stored, so
 * a dump of the engine reveals no usable token. Naming the session in the token lets a resume read exactly one entry.
 */
final class Tokens {

    static final int MAX_LENGTH = 512;
    private static final int SECRET_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    /** One per thread, as a digest is not thread-safe: getting one per hash looked the provider up and made its state. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(Tokens::sha256);

    private Tokens() {
    }

    /** A new token for {@code sessionId}. */
    static Issued issue(String sessionId) {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        String encoded = BASE64.encodeToString(secret);
        return new Issued(sessionId + "." + encoded, hash(encoded));
    }

    /** The session a presented token names and the hash its secret must match; empty if it cannot be a token. */
    static Optional<Presented> parse(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new Presented(token.substring(0, dot), hash(token.substring(dot + 1))));
    }

    private static String hash(String secret) {
        // digest() resets the digest for the next hash.
        return BASE64.encodeToString(SHA_256.get().digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    record Issued(String token, String hash) {
    }

    record Presented(String sessionId, String hash) {
    }
}

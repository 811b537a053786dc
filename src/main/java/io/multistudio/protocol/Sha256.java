package io.multistudio.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * SHA-256 of text (UTF-8): reconnect tokens, request keys, room passwords, user ids, operator tokens. One digest per
 * thread, since looking the algorithm up among the security providers costs more than hashing a short string.
 */
public final class Sha256 {

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private Sha256() {
    }

    /** The 32 bytes of {@code text}'s digest. */
    public static byte[] of(String text) {
        return DIGEST.get().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code bytes} in URL-safe Base64 without padding. */
    public static String base64(byte[] bytes) {
        return BASE64.encodeToString(bytes);
    }
}

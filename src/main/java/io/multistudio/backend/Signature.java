package io.multistudio.backend;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The {@code X-MultiStudio-Signature} of a webhook: {@code sha256=} and the hex HMAC-SHA256 of the raw body. */
public final class Signature {

    public static final String HEADER = "X-MultiStudio-Signature";
    private static final String ALGORITHM = "HmacSHA256";

    private Signature() {
    }

    public static String of(String body, String secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}

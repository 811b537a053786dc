package io.multistudio.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Signs JWTs for tests with an RSA key pair made at run time; only the public key is written out, for the server to
 * verify with. Nothing here is a secret worth keeping: a new pair is made by every test JVM.
 */
public final class TestJwt {

    public static final String ISSUER = "https://issuer.multistudio.test";
    public static final String AUDIENCE = "multistudio-test";

    /*
     * Kept in the system properties, which every class loader of the test JVM shares: the test profile that writes
     * the public key and the test that signs tokens may see different copies of this class.
     */
    private static final String KEYS_PROPERTY = TestJwt.class.getName() + ".keys";
    private static final String PUBLIC_KEY_PROPERTY = TestJwt.class.getName() + ".public-key";

    private TestJwt() {
    }

    /** Settings that turn authentication on and make the server trust the test key. */
    public static Map<String, String> authConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("multistudio.auth.enabled", "true");
        config.put("mp.jwt.verify.publickey.location", publicKeyLocation());
        config.put("mp.jwt.verify.issuer", ISSUER);
        config.put("mp.jwt.verify.audiences", AUDIENCE);
        return config;
    }

    /** Claims that verify: the test issuer and audience, valid for an hour. */
    public static JwtClaimsBuilder claims(String subject) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).expiresIn(3600);
    }

    /** A token that verifies, for {@code subject}, with the given groups. */
    public static String token(String subject, String... groups) {
        return sign(claims(subject).groups(Set.of(groups)));
    }

    public static String sign(JwtClaimsBuilder claims) {
        return claims.sign(keys().getPrivate());
    }

    /** A key the server does not trust. */
    public static PrivateKey otherKey() {
        return generate().getPrivate();
    }

    private static synchronized KeyPair keys() {
        return (KeyPair) System.getProperties().computeIfAbsent(KEYS_PROPERTY, property -> generate());
    }

    private static synchronized String publicKeyLocation() {
        String location = System.getProperty(PUBLIC_KEY_PROPERTY);
        if (location == null) {
            location = writePem(keys().getPublic()).toUri().toString();
            System.setProperty(PUBLIC_KEY_PROPERTY, location);
        }
        return location;
    }

    private static Path writePem(PublicKey key) {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        try {
            Path file = Files.createTempFile("multistudio-test-jwt", ".pem");
            file.toFile().deleteOnExit();
            return Files.writeString(file, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every JVM", e);
        }
    }
}

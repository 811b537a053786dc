package io.multistudio.auth;

import java.util.Optional;
import java.util.Set;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Sha256;
import io.multistudio.protocol.Why;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Checks the JWTs clients present, with SmallRye JWT (signature, expiry, issuer, audience as configured), and turns a
 * valid one into the identity the server uses.
 */
@Singleton
public class Authenticator {

    private final JWTParser parser;
    private final MultiStudioConfig.Auth config;

    Authenticator(JWTParser parser, MultiStudioConfig config) {
        this.parser = parser;
        this.config = config.auth();
    }

    /**
     * Who a valid token says the user is: a stable user id, the name to use when {@code HELLO} gives none, and the
     * token's own subject, which the authorization hook passes on to the application.
     */
    public record Identity(String userId, String name, Set<String> groups, String subject) {
    }

    public boolean enabled() {
        return config.enabled();
    }

    /**
     * The identity in {@code token}; fails with {@code AUTH_REQUIRED} when there is none and {@code AUTH_INVALID}
     * when it does not verify. Verification may fetch keys (a JWKS location), so it runs off the event loop.
     */
    public Uni<Identity> verify(String token) {
        if (token == null) {
            return Uni.createFrom().failure(new ProtocolException(Why.AUTH_REQUIRED));
        }
        return Uni.createFrom().item(() -> identity(token))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** {@link #verify} of what a {@code HELLO} carries in {@code auth}: anything but a string is not a JWT. */
    public Uni<Identity> verifyHello(JsonNode auth) {
        if (auth != null && !auth.isTextual()) {
            return Uni.createFrom().failure(new ProtocolException(Why.AUTH_INVALID, "auth", "auth must be a JWT string"));
        }
        return verify(auth == null ? null : auth.textValue());
    }

    private Identity identity(String token) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw new ProtocolException(Why.AUTH_INVALID, "auth", "the token does not verify");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new ProtocolException(Why.AUTH_INVALID, "auth", "the token has no subject");
        }
        String name = Optional.ofNullable(jwt.<Object>getClaim(config.nameClaim())).map(Object::toString)
                .map(String::strip).filter(claimed -> !claimed.isEmpty() && claimed.length() <= 64).orElse(null);
        return new Identity(userId(jwt.getIssuer(), subject), name, jwt.getGroups(), subject);
    }

    /**
     * A subject's user id: stable across sessions, and opaque, since a subject may be an e-mail address that other
     * members should not see.
     */
    static String userId(String issuer, String subject) {
        return "u_" + Sha256.base64(Sha256.of(issuer + "\n" + subject)).substring(0, 22);
    }
}

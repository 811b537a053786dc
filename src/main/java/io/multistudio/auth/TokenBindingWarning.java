package io.multistudio.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Warns at startup when authentication is on but tokens are bound to no issuer or no audience. SmallRye JWT then
 * checks neither claim: any token the verification key accepts gets in, such as one that a shared identity provider
 * issued for another application.
 */
@Singleton
class TokenBindingWarning {

    private static final Logger LOG = Logger.getLogger(TokenBindingWarning.class);

    private final boolean authEnabled;
    private final Optional<String> issuer;
    private final Optional<List<String>> audiences;

    TokenBindingWarning(MultiStudioConfig config,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> issuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<List<String>> audiences) {
        this.authEnabled = config.auth().enabled();
        this.issuer = issuer;
        this.audiences = audiences;
    }

    void check(@Observes StartupEvent startup) {
        warning(authEnabled, issuer, audiences).ifPresent(LOG::warn);
    }

    /** The warning to log, if any: with authentication on, names each of issuer and audience that is not set. */
    static Optional<String> warning(boolean authEnabled, Optional<String> issuer, Optional<List<String>> audiences) {
        if (!authEnabled) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        if (issuer.filter(value -> !value.isBlank()).isEmpty()) {
            missing.add("an issuer (MP_JWT_VERIFY_ISSUER)");
        }
        if (audiences.filter(values -> values.stream().anyMatch(value -> !value.isBlank())).isEmpty()) {
            missing.add("an audience (MP_JWT_VERIFY_AUDIENCES)");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("JWT authentication is on without " + String.join(" or ", missing)
                + ": any token that the verification key accepts gets in, even one issued for another application");
    }
}

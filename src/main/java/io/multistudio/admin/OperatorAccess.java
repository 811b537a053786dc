package io.multistudio.admin;

import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.multistudio.auth.Authenticator;
import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Sha256;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Who may use the operator API: the bearer of the configured admin token, or, with authentication on and an admin
 * role configured, the bearer of a JWT that verifies like a client's and whose {@code groups} hold that role. Without
 * an admin token and without a usable admin role the API is off, so that a server deployed without operator
 * credentials cannot be operated by anyone.
 */
@ApplicationScoped
class OperatorAccess {

    private static final Logger LOG = Logger.getLogger(OperatorAccess.class);

    /** What a request's credentials are worth. */
    enum Verdict {
        ALLOWED,
        /** Neither an admin token nor a usable admin role is configured. */
        DISABLED,
        MISSING,
        /** Neither the admin token nor a JWT that verifies. */
        INVALID,
        /** A JWT that verifies, without the admin role. */
        NO_ROLE
    }

    private final Authenticator authenticator;
    /** Only the digest is kept: comparing digests takes the same time whatever the presented token's length. */
    private final Optional<byte[]> adminTokenDigest;
    /** Present only with authentication on: otherwise no JWT is trusted, and the role grants nothing. */
    private final Optional<String> adminRole;

    OperatorAccess(Authenticator authenticator, MultiStudioConfig config) {
        this.authenticator = authenticator;
        this.adminTokenDigest = config.auth().adminToken().map(Sha256::of);
        this.adminRole = config.auth().adminRole().filter(role -> authenticator.enabled());
    }

    void announce(@Observes StartupEvent startup, MultiStudioConfig config) {
        if (config.auth().adminRole().isPresent() && adminRole.isEmpty()) {
            LOG.warn("multistudio.auth.admin-role is set but authentication is off: the role grants nothing");
        }
        if (!enabled()) {
            LOG.info("The operator API at /api is off: set multistudio.auth.admin-token or multistudio.auth.admin-role"
                    + " to turn it on");
        }
    }

    /**
     * The verdict on a bearer token, {@code null} if none was presented. Verifying a JWT may fetch keys, so it runs
     * off the event loop (see {@link Authenticator#verify}).
     */
    Uni<Verdict> check(String bearerToken) {
        if (!enabled()) {
            return verdict(Verdict.DISABLED);
        }
        if (bearerToken == null) {
            return verdict(Verdict.MISSING);
        }
        if (adminTokenDigest.isPresent() && MessageDigest.isEqual(adminTokenDigest.get(), Sha256.of(bearerToken))) {
            return verdict(Verdict.ALLOWED);
        }
        if (adminRole.isEmpty()) {
            return verdict(Verdict.INVALID);
        }
        return authenticator.verify(bearerToken)
                .map(identity -> identity.groups() != null && identity.groups().contains(adminRole.get())
                        ? Verdict.ALLOWED
                        : Verdict.NO_ROLE)
                .onFailure(ProtocolException.class).recoverWithItem(Verdict.INVALID);
    }

    private boolean enabled() {
        return adminTokenDigest.isPresent() || adminRole.isPresent();
    }

    private static Uni<Verdict> verdict(Verdict verdict) {
        return Uni.createFrom().item(verdict);
    }

}

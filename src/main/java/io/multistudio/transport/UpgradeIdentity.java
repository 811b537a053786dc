package io.multistudio.transport;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;

/**
 * The upgrade to the endpoint carries no HTTP identity: a client authenticates in {@code HELLO}. With authentication
 * on demand ({@code quarkus.http.auth.proactive=false}), Quarkus leaves a deferred identity on every request's
 * routing context, and websockets-next keeps the routing context of an upgrade that has one for the life of the
 * connection, for endpoints that check identities: its request, response, headers, maps and the identity's captured
 * contexts, about 3 KB per idle connection. Taking the deferred identity off before the endpoint's route lets the
 * connection keep nothing of its upgrade request.
 */
@Singleton
class UpgradeIdentity {

    /** After Quarkus's authentication (-200) and authorization (-100) filters, before the endpoint's route (0 on). */
    static final int ORDER = -10;

    void route(@Observes Router router) {
        router.route(MultiStudioSocket.PATH).order(ORDER).handler(context -> {
            context.remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
            context.next();
        });
    }
}

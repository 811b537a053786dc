package io.multistudio.config;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.context.SmallRyeContextManagerProvider;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Takes SmallRye Context Propagation's decorator off Mutiny's callbacks when it has no context to propagate. The
 * application propagates none (CDI's provider is off: {@code quarkus.arc.context-propagation.enabled=false}), yet the
 * decorator still looks the current thread context up for every callback of every {@code Uni} operator (2.5% of the
 * server's CPU in the connect cycle's profile) only to hand the callback back unchanged. A provider that is added
 * later (OpenTelemetry, transactions) keeps it.
 */
@Singleton
class CallbackDecorators {

    private static final Logger LOG = Logger.getLogger(CallbackDecorators.class);

    void dropIfIdle(@Observes StartupEvent startup) {
        if (SmallRyeContextManagerProvider.getManager().getAllProviderTypes().length == 0) {
            // Clears the interceptors too: loaded again, so that only the decorators stay off.
            Infrastructure.clearInterceptors();
            Infrastructure.reloadUniInterceptors();
            Infrastructure.reloadMultiInterceptors();
            LOG.debug("No thread context to propagate: Mutiny's callbacks are left undecorated");
        }
    }
}

package io.multistudio.observability;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.multistudio.engine.Engine;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Tells whoever started the server where to go: the playground, the WebSocket endpoint and the engine in use. It is
 * the first thing the server prints (Quarkus's own logo is off), so a newcomer sees it without scrolling. Tests bind a
 * random port instead of the configured one, so they get no banner.
 */
@Singleton
class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    private final Engine engine;
    private final String host;
    private final int port;

    StartupBanner(Engine engine, @ConfigProperty(name = "quarkus.http.host") String host,
            @ConfigProperty(name = "quarkus.http.port") int port) {
        this.engine = engine;
        this.host = host;
        this.port = port;
    }

    void started(@Observes StartupEvent start) {
        if (LaunchMode.current() == LaunchMode.TEST) {
            return;
        }
        // A server bound to every interface is reached locally as localhost.
        String where = ("0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host) + ":" + port;
        LOG.infof("MultiStudio Server with the %s engine%n  Playground: http://%s/%n  WebSocket:  ws://%s/ws",
                engine.name(), where, where);
    }
}

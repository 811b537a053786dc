package io.multistudio.observability;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.engine.Engine;
import io.quarkus.vertx.http.HttpServerStart;

/**
 * Tells whoever started the server where to go: the playground, the WebSocket endpoint and the engine in use. It is
 * the first thing the server prints (Quarkus's own banner is off), so a newcomer sees it without scrolling.
 */
@Singleton
class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    private final Engine engine;

    StartupBanner(Engine engine) {
        this.engine = engine;
    }

    void started(@Observes HttpServerStart start) {
        String host = start.options().getHost();
        // A server bound to every interface is reached locally as localhost.
        String where = ("0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host) + ":"
                + start.options().getPort();
        LOG.infof("MultiStudio Server is up with the %s engine%n  Playground: http://%s/%n  WebSocket:  ws://%s/ws",
                engine.name(), where, where);
    }
}

package io.multistudio.engine;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.multistudio.observability.ServerMetrics;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * A node whose store does not answer cannot serve clients: it is taken out of the load balancer until it does. The
 * outcome of the last check is also the gauge {@code multistudio_ready}, so that dashboards and alerts see it.
 */
@Readiness
@Singleton
class EngineHealthCheck implements AsyncHealthCheck {

    private final Engine engine;
    /** The last check's outcome: 1 up, 0 down, NaN before the first check (no readiness probe has run yet). */
    private volatile double ready = Double.NaN;

    EngineHealthCheck(Engine engine, ServerMetrics metrics) {
        this.engine = engine;
        metrics.gauge("multistudio.ready", "1 if the last readiness check found the store answering, 0 if not",
                () -> ready);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return engine.available().invoke(up -> ready = up ? 1 : 0).map(up -> HealthCheckResponse.named("engine")
                .status(up)
                .withData("engine", engine.name())
                .build());
    }
}

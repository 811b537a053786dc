package io.multistudio.engine;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/** A node whose store does not answer cannot serve clients: it is taken out of the load balancer until it does. */
@Readiness
@Singleton
class EngineHealthCheck implements AsyncHealthCheck {

    private final Engine engine;

    EngineHealthCheck(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return engine.available().map(up -> HealthCheckResponse.named("engine")
                .status(up)
                .withData("engine", engine.name())
                .build());
    }
}

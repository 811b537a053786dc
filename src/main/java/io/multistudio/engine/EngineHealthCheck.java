package io.multistudio.engine;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.multistudio.cluster.NodeRegistry;
import io.multistudio.observability.ServerMetrics;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * A node whose store does not answer cannot serve clients: it is taken out of the load balancer until it does, and
 * until it has written its lease, without which the other nodes would take the sessions it serves for a dead node's
 * and put them into grace. The outcome of the last check is also the gauge {@code multistudio_ready}, so that
 * dashboards and alerts see it.
 */
@Readiness
@Singleton
class EngineHealthCheck implements AsyncHealthCheck {

    private final Engine engine;
    private final NodeRegistry nodes;
    /** The last check's outcome: 1 up, 0 down, NaN before the first check (no readiness probe has run yet). */
    private volatile double ready = Double.NaN;

    EngineHealthCheck(Engine engine, NodeRegistry nodes, ServerMetrics metrics) {
        this.engine = engine;
        this.nodes = nodes;
        metrics.gauge("multistudio.ready",
                "1 if the last readiness check found the store answering and this node's lease written, 0 if not",
                () -> ready);
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return engine.available().map(answers -> {
            boolean leased = nodes.leased();
            ready = answers && leased ? 1 : 0;
            return HealthCheckResponse.named("engine")
                    .status(answers && leased)
                    .withData("engine", engine.name())
                    .withData("lease", leased)
                    .build();
        });
    }
}

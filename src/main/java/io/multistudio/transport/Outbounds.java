package io.multistudio.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.observability.ServerMetrics;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;

/** Makes each connection's {@link Outbound}, all of them sharing their event loop's hand-off and the node budget. */
@Singleton
public class Outbounds {

    /** The node budget when none is configured: a quarter of the heap may be unsent data. */
    static final int DEFAULT_BUDGET_SHARE_OF_HEAP = 4;

    private final Map<Executor, OutboundLoop> loops = new ConcurrentHashMap<>();
    private final OutboundBudget budget;
    private final long limit;
    private final ServerMetrics metrics;

    Outbounds(MultiStudioConfig config, Vertx vertx, ServerMetrics metrics) {
        this.budget = new OutboundBudget(
                config.outboundBudget().orElse(Runtime.getRuntime().maxMemory() / DEFAULT_BUDGET_SHARE_OF_HEAP),
                shed -> vertx.runOnContext(ignored -> shed.run()));
        this.limit = config.outboundBuffer();
        this.metrics = metrics;
        metrics.gauge("multistudio.outbound.unsent", "Bytes queued or written to connections and not yet sent",
                budget::unsent);
    }

    public Outbound open(WebSocketConnection socket) {
        Wire wire = new WebSocketWire(socket);
        return new Outbound(wire, loops.computeIfAbsent(wire.loop(), OutboundLoop::new), budget, limit,
                metrics::messagesOut);
    }
}

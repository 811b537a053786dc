package io.multistudio.observability;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.multistudio.protocol.Why;

/**
 * The server's own meters, published for Prometheus at {@code /q/metrics} of the management interface. Counters and
 * timers are created once and kept, so that counting a message on the hot path is one add; the frames in and out,
 * counted on every frame or batch, are plain adders the registry reads when scraped, not counters that pass each add
 * on to every registry.
 */
@Singleton
public class ServerMetrics {

    /** Why a connection was refused, as the {@code reason} of {@code multistudio_connections_refused_total}. */
    public static final String PER_ADDRESS = "per_address";
    public static final String PENDING_HELLO = "pending_hello";
    public static final String SERVER_FULL = "server_full";
    /** What lost a race in the store, as the {@code operation} of {@code multistudio_store_retries_total}. */
    public static final String RETRY_SEQ = "seq";
    public static final String RETRY_UPDATE = "update";

    private final MeterRegistry registry;
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final Timer fanout;
    private final Counter slowConsumerCuts;
    private final Counter heartbeatTimeouts;

    public ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        FunctionCounter.builder("multistudio.messages.in", messagesIn, LongAdder::doubleValue)
                .description("Frames received from clients").register(registry);
        FunctionCounter.builder("multistudio.messages.out", messagesOut, LongAdder::doubleValue)
                .description("Frames written to clients").register(registry);
        this.fanout = Timer.builder("multistudio.fanout.latency")
                .description("From a room event's commit to its delivery to this node's members")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.slowConsumerCuts = Counter.builder("multistudio.slow.consumer.cuts")
                .description("Connections cut off as slow consumers (1013), by their own outbound bound or by the "
                        + "node's budget").register(registry);
        this.heartbeatTimeouts = Counter.builder("multistudio.heartbeat.timeouts")
                .description("Connections dropped because nothing arrived from them for the heartbeat timeout")
                .register(registry);
        // Counted from zero, so that a rate (and an alert on it) exists before the first refusal.
        for (String reason : new String[] { PER_ADDRESS, PENDING_HELLO, SERVER_FULL }) {
            refusals(reason);
        }
        storeRetries(RETRY_SEQ);
        storeRetries(RETRY_UPDATE);
    }

    /** A value read when Prometheus scrapes, such as the number of open connections. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void messageIn() {
        messagesIn.increment();
    }

    public void messagesOut(int frames) {
        messagesOut.add(frames);
    }

    public void slowConsumerCut() {
        slowConsumerCuts.increment();
    }

    public void heartbeatTimeout() {
        heartbeatTimeouts.increment();
    }

    public double messagesIn() {
        return messagesIn.doubleValue();
    }

    public double messagesOut() {
        return messagesOut.doubleValue();
    }

    public void fanout(long millis) {
        fanout.record(Duration.ofMillis(Math.max(millis, 0)));
    }

    /** A resume: {@code recovered}, {@code unrecovered} (the history had lost some events) or {@code outside_room}. */
    public void resumed(String outcome) {
        registry.counter("multistudio.resumes", "outcome", outcome).increment();
    }

    /** A connection refused at the upgrade or at its opening: {@code per_address}, {@code pending_hello}, ... */
    public void refused(String reason) {
        refusals(reason).increment();
    }

    private Counter refusals(String reason) {
        return registry.counter("multistudio.connections.refused", "reason", reason);
    }

    /**
     * The count of the races {@code operation} lost in the store, to run on each: a room event whose seq another
     * event took ({@code seq}), a versioned update of a record another writer changed first ({@code update}).
     */
    public Runnable storeRetries(String operation) {
        Counter counter = Counter.builder("multistudio.store.retries")
                .description("Store writes that lost a race to another writer and were tried again (or given up)")
                .tag("operation", operation).register(registry);
        return counter::increment;
    }

    public void error(Why why) {
        registry.counter("multistudio.errors", "code", why.code(), "why", why.name()).increment();
    }

    /** Times one engine operation. */
    public Timer engineOperation(String engine, String map, String operation) {
        return Timer.builder("multistudio.engine.operation")
                .description("Latency of engine operations")
                .tags("engine", engine, "map", map, "operation", operation)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Sizes of the values an engine wrote to its store or read from it ({@code direction}). */
    public DistributionSummary engineBytes(String engine, String map, String direction) {
        return DistributionSummary.builder("multistudio.engine.bytes")
                .description("Sizes of the values written to the store and read from it")
                .baseUnit("bytes")
                .tags("engine", engine, "map", map, "direction", direction)
                .register(registry);
    }
}

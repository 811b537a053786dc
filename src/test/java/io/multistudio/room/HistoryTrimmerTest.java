package io.multistudio.room;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.testsupport.TestConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/** A trim pass that never ends is given up, and the passes go on: one stuck pass must not stop the trimming. */
class HistoryTrimmerTest {

    private final MemoryEngine engine = new MemoryEngine();
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        engine.close();
    }

    @Test
    void aPassThatNeverEndsIsGivenUpAndTheNextOneRuns() {
        AtomicInteger passes = new AtomicInteger();
        RoomLog firstPassHangs = new RoomLog(engine, event -> {
        }, TestConfig.with(), new SeqHeads(engine), new ServerMetrics(new SimpleMeterRegistry()),
                new RoomViews(new Codec())) {
            @Override
            Uni<Void> trim() {
                return passes.incrementAndGet() == 1 ? Uni.createFrom().nothing() : Uni.createFrom().voidItem();
            }
        };
        HistoryTrimmer trimmer = new HistoryTrimmer(firstPassHangs, vertx, Duration.ofMillis(300));

        trimmer.start(null);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() >= 3);
        } finally {
            trimmer.stop(null);
        }
    }
}

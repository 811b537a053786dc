package io.multistudio.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ProtocolException;
import io.multistudio.protocol.Request;
import io.multistudio.protocol.Why;
import io.smallrye.mutiny.Uni;

/** The key rules of PROTOCOL.md §2.7a on the memory engine, without a server: races, errors and the bound. */
class RequestKeysTest {

    private final MemoryEngine engine = new MemoryEngine();
    private final RequestKeys keys = new RequestKeys(engine, new Codec(), Duration.ofSeconds(1), Duration.ofMinutes(2));
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger executions = new AtomicInteger();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aRepeatArrivingWhileTheFirstExecutesWaitsForItsAnswerInsteadOfExecuting() throws Exception {
        CompletableFuture<String> firstAnswer = new CompletableFuture<>();
        CompletableFuture<Void> first = keys.once("s1", send("r1", "k"), new KeyRing(), () -> {
            executions.incrementAndGet();
            return Uni.createFrom().completionStage(firstAnswer);
        }, sent::add).subscribeAsCompletionStage();
        CompletableFuture<Void> repeat = keys.once("s1", send("r2", "k"), new KeyRing(), this::execute, sent::add)
                .subscribeAsCompletionStage();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !repeat.isDone());

        firstAnswer.complete("{\"kind\":\"MESSAGE\",\"seq\":7}");
        first.get(5, TimeUnit.SECONDS);
        repeat.get(5, TimeUnit.SECONDS);
        assertThat(executions).hasValue(1);
        assertThat(sent).containsExactly("{\"kind\":\"MESSAGE\",\"rid\":\"r2\",\"seq\":7}");
    }

    @Test
    void anErrorReleasesTheKey() throws Exception {
        CompletableFuture<Void> refused = keys.once("s1", send("r1", "k"), new KeyRing(), () -> {
            executions.incrementAndGet();
            return Uni.createFrom().failure(new ProtocolException(Why.NOT_IN_ROOM));
        }, sent::add).subscribeAsCompletionStage();
        assertThat(refused).failsWithin(Duration.ofSeconds(5));
        keys.once("s1", send("r2", "k"), new KeyRing(), this::execute, sent::add).await().atMost(Duration.ofSeconds(5));
        assertThat(executions).hasValue(2);
        assertThat(sent).isEmpty();
    }

    @Test
    void eachConnectionKeepsItsLast256KeysAndKeysBelongToTheirSession() {
        KeyRing ring = new KeyRing();
        for (int i = 0; i <= KeyRing.CAPACITY; i++) {
            keys.once("s1", send("r", "k" + i), ring, this::execute, sent::add).await().atMost(Duration.ofSeconds(5));
        }
        keys.once("s1", send("r", "k1"), ring, this::execute, sent::add).await().atMost(Duration.ofSeconds(5));
        assertThat(executions).hasValue(KeyRing.CAPACITY + 1);
        keys.once("s1", send("r", "k0"), ring, this::execute, sent::add).await().atMost(Duration.ofSeconds(5));
        keys.once("s2", send("r", "k1"), ring, this::execute, sent::add).await().atMost(Duration.ofSeconds(5));
        assertThat(executions).hasValue(KeyRing.CAPACITY + 3);
    }

    @Test
    void aRepeatThatWaitedPastTheReservationForAnAnswerIsToldTheStoreIsUnavailable() {
        // A store that keeps the reservation longer than it should (a node lost, a slow expiry) never frees the key.
        Engine keeping = new Engine() {
            @Override
            public <V> SharedMap<V> map(String name, Class<V> type, Function<V, Duration> lifespan) {
                return engine.map(name, type, value -> Engine.IMMORTAL);
            }

            @Override
            public Uni<Boolean> available() {
                return engine.available();
            }

            @Override
            public String name() {
                return "keeping";
            }

            @Override
            public void close() {
            }
        };
        RequestKeys impatient = new RequestKeys(keeping, new Codec(), Duration.ofMillis(100), Duration.ofMinutes(2));
        impatient.once("s1", send("r1", "k"), new KeyRing(), () -> Uni.createFrom().nothing(), sent::add)
                .subscribe().with(ignored -> {
                });

        CompletableFuture<Void> repeat = impatient.once("s1", send("r2", "k"), new KeyRing(), this::execute, sent::add)
                .subscribeAsCompletionStage();

        assertThat(repeat).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(StoreUnavailableException.class);
        assertThat(executions).hasValue(0);
    }

    private Uni<String> execute() {
        return Uni.createFrom().item(() -> "{\"kind\":\"MESSAGE\",\"seq\":" + executions.incrementAndGet() + "}");
    }

    private static Request send(String rid, String key) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("kind", "SEND").put("rid", rid).put("key", key);
        return new Request(Request.RequestKind.SEND, rid, body);
    }
}

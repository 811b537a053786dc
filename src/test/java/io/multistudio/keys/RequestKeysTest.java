package io.multistudio.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

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

/** The key rules of PROTOCOL.md §2.7a on the memory engine, without a server: races, errors, the bound, the end. */
class RequestKeysTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MemoryEngine engine = new MemoryEngine();
    private final RequestKeys keys = new RequestKeys(engine, new Codec(), Duration.ofSeconds(1));
    private final SharedMap<KeyBook> books = engine.map("key-books", KeyBook.class, book -> Engine.IMMORTAL,
            Engine.Expiry.SILENT);
    private final SharedMap<Remembered> answers = engine.map("key-answers", Remembered.class,
            answer -> Engine.IMMORTAL, Engine.Expiry.SILENT);
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger executions = new AtomicInteger();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aRepeatArrivingWhileTheFirstExecutesWaitsForItsAnswerInsteadOfExecuting() throws Exception {
        CompletableFuture<String> firstAnswer = new CompletableFuture<>();
        CompletableFuture<Void> first = keys.once("s1", send("r1", "k"), () -> true, effect(() -> {
            executions.incrementAndGet();
            return Uni.createFrom().completionStage(firstAnswer);
        }), sent::add).subscribeAsCompletionStage();
        CompletableFuture<Void> repeat = keys.once("s1", send("r2", "k"), () -> true, effect(this::execute), sent::add)
                .subscribeAsCompletionStage();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !repeat.isDone());

        firstAnswer.complete("{\"kind\":\"MESSAGE\",\"seq\":7}");
        first.get(5, TimeUnit.SECONDS);
        repeat.get(5, TimeUnit.SECONDS);
        assertThat(executions).hasValue(1);
        assertThat(sent).containsExactly("{\"kind\":\"MESSAGE\",\"rid\":\"r2\",\"seq\":7}");
    }

    @Test
    void anErrorReleasesTheKeyAndABookLeftEmptyGoes() throws Exception {
        CompletableFuture<Void> refused = keys.once("s1", send("r1", "k"), () -> true, effect(() -> {
            executions.incrementAndGet();
            return Uni.createFrom().failure(new ProtocolException(Why.NOT_IN_ROOM));
        }), sent::add).subscribeAsCompletionStage();
        assertThat(refused).failsWithin(WAIT);
        assertThat(books.get("s1").await().atMost(WAIT)).isNull();

        once("s1", "k");
        assertThat(executions).hasValue(2);
        assertThat(sent).isEmpty();
    }

    @Test
    void theLast256KeysOfASessionAreRememberedAcrossItsConnectionsAndNoMore() {
        for (int i = 0; i <= KeyBook.CAPACITY; i++) {
            once("s1", "k" + i);
        }
        once("s1", "k1");
        assertThat(executions).hasValue(KeyBook.CAPACITY + 1);
        assertThat(sent).containsExactly("{\"kind\":\"MESSAGE\",\"rid\":\"r\",\"seq\":2}");
        assertThat(answers.values().await().atMost(WAIT)).hasSize(KeyBook.CAPACITY);

        once("s1", "k0");
        once("s2", "k1");
        assertThat(executions).hasValue(KeyBook.CAPACITY + 3);
        assertThat(books.get("s1").await().atMost(WAIT).held()).hasSize(KeyBook.CAPACITY);
    }

    @Test
    void forgettingASessionRemovesItsBookAndEveryAnswerItLeft() {
        for (int i = 0; i < KeyBook.CAPACITY + 10; i++) {
            once("s1", "k" + i);
        }
        once("s2", "k");

        keys.forget("s1").await().atMost(WAIT);

        assertThat(books.get("s1").await().atMost(WAIT)).isNull();
        assertThat(answers.values().await().atMost(WAIT)).extracting(Remembered::answer)
                .containsExactly("{\"kind\":\"MESSAGE\",\"seq\":" + (KeyBook.CAPACITY + 11) + "}");
        once("s1", "k3");
        assertThat(executions).hasValue(KeyBook.CAPACITY + 12);
    }

    @Test
    void anAnswerThatArrivesAfterItsSessionsKeysWereForgottenIsNotLeftBehind() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        AtomicBoolean carried = new AtomicBoolean(true);
        CompletableFuture<Void> late = keys.once("s1", send("r1", "k"), carried::get,
                effect(() -> Uni.createFrom().completionStage(answer)), sent::add).subscribeAsCompletionStage();
        await().atMost(WAIT).until(() -> books.get("s1").await().atMost(WAIT) != null);

        carried.set(false);
        keys.forget("s1").await().atMost(WAIT);
        answer.complete("{\"kind\":\"MESSAGE\",\"seq\":1}");
        late.get(5, TimeUnit.SECONDS);

        assertThat(books.get("s1").await().atMost(WAIT)).isNull();
        assertThat(answers.values().await().atMost(WAIT)).isEmpty();
    }

    @Test
    void aKeyWhoseExecutionWasLostIsTakenOverByOneRepeatOnceItsReservationIsStale() throws Exception {
        RequestKeys impatient = new RequestKeys(engine, new Codec(), Duration.ofMillis(100));
        impatient.once("s1", send("r1", "k"), () -> true, effect(() -> Uni.createFrom().nothing()), sent::add)
                .subscribe().with(ignored -> {
                });
        await().atMost(WAIT).until(() -> books.get("s1").await().atMost(WAIT) != null);

        CompletableFuture<Void> repeat = impatient.once("s1", send("r2", "k"), () -> true, effect(this::execute),
                sent::add)
                .subscribeAsCompletionStage();
        CompletableFuture<Void> other = impatient.once("s1", send("r3", "k"), () -> true, effect(this::execute),
                sent::add)
                .subscribeAsCompletionStage();
        repeat.get(10, TimeUnit.SECONDS);
        other.get(10, TimeUnit.SECONDS);

        assertThat(executions).hasValue(1);
        assertThat(sent).hasSize(1).allSatisfy(answer -> assertThat(answer).contains("\"seq\":1"));
    }

    @Test
    void aLostExecutionThatTookEffectIsAnsweredFromItsEffectAndNotExecutedAgain() throws Exception {
        RequestKeys impatient = new RequestKeys(engine, new Codec(), Duration.ofMillis(100));
        List<String> marks = new CopyOnWriteArrayList<>();
        impatient.once("s1", send("r1", "k"), () -> true, new Effect() {
            @Override
            public Uni<String> execute(String mark) {
                marks.add(mark);
                return Uni.createFrom().nothing();
            }

            @Override
            public Uni<String> recall(String mark, long since) {
                return Uni.createFrom().nullItem();
            }
        }, sent::add).subscribe().with(ignored -> {
        });
        await().atMost(WAIT).until(() -> marks.size() == 1);

        impatient.once("s1", send("r2", "k"), () -> true, new Effect() {
            @Override
            public Uni<String> execute(String mark) {
                return RequestKeysTest.this.execute();
            }

            @Override
            public Uni<String> recall(String mark, long since) {
                marks.add(mark);
                return Uni.createFrom().item("{\"kind\":\"MESSAGE\",\"seq\":9}");
            }
        }, sent::add).await().atMost(WAIT);
        once("s1", "k");

        assertThat(executions).hasValue(0);
        assertThat(marks).hasSize(2).doesNotContainNull().containsOnly(marks.get(0));
        assertThat(sent).containsExactly("{\"kind\":\"MESSAGE\",\"rid\":\"r2\",\"seq\":9}",
                "{\"kind\":\"MESSAGE\",\"rid\":\"r\",\"seq\":9}");
    }

    @Test
    void aLostExecutionNobodyCanTellAboutAnymoreIsAnErrorAndNotExecutedAgain() {
        RequestKeys impatient = new RequestKeys(engine, new Codec(), Duration.ofMillis(100));
        impatient.once("s1", send("r1", "k"), () -> true, effect(() -> Uni.createFrom().nothing()), sent::add)
                .subscribe().with(ignored -> {
                });
        await().atMost(WAIT).until(() -> books.get("s1").await().atMost(WAIT) != null);

        CompletableFuture<Void> repeat = impatient.once("s1", send("r2", "k"), () -> true, new Effect() {
            @Override
            public Uni<String> execute(String mark) {
                return RequestKeysTest.this.execute();
            }

            @Override
            public Uni<String> recall(String mark, long since) {
                return Uni.createFrom().failure(new StoreUnavailableException("history trimmed", null));
            }
        }, sent::add).subscribeAsCompletionStage();

        assertThat(repeat).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(StoreUnavailableException.class);
        assertThat(executions).hasValue(0);
        assertThat(sent).isEmpty();
    }

    private void once(String session, String key) {
        keys.once(session, send("r", key), () -> true, effect(this::execute), sent::add).await().atMost(WAIT);
    }

    private Uni<String> execute() {
        return Uni.createFrom().item(() -> "{\"kind\":\"MESSAGE\",\"seq\":" + executions.incrementAndGet() + "}");
    }

    /** An execution; a lost one, it is told, never took effect. */
    private static Effect effect(Supplier<Uni<String>> execute) {
        return new Effect() {
            @Override
            public Uni<String> execute(String mark) {
                return execute.get();
            }

            @Override
            public Uni<String> recall(String mark, long since) {
                return Uni.createFrom().nullItem();
            }
        };
    }

    private static Request send(String rid, String key) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("kind", "SEND").put("rid", rid).put("key", key);
        return new Request(Request.RequestKind.SEND, rid, body);
    }
}

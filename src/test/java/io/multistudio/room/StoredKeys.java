package io.multistudio.room;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.keys.KeyBook;
import io.multistudio.keys.Remembered;
import io.multistudio.testsupport.Wire;

/**
 * What the store holds of the request keys of a session, and how often the engine's key maps were called as its
 * metrics count them, for {@link KeyTests}.
 */
final class StoredKeys {

    private static final Pattern KEY_OPERATION = Pattern.compile(
            "^multistudio_engine_operation_seconds_count\\{[^}]*map=\"(key-books|key-answers)\",operation=\"(\\w+)\"[^}]*} (\\S+)$");

    private final SharedMap<KeyBook> books;
    private final SharedMap<Remembered> answers;
    private final URI metrics;

    StoredKeys(Engine engine, URI metrics) {
        this.books = engine.map("key-books", KeyBook.class, book -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        this.answers = engine.map("key-answers", Remembered.class, answer -> Engine.IMMORTAL, Engine.Expiry.SILENT);
        this.metrics = metrics;
    }

    /** The session's keys, {@code null} if it has none. */
    KeyBook book(String sessionId) {
        return books.get(sessionId).await().atMost(Wire.TIMEOUT);
    }

    /** What the answer slot {@code slot} of {@code book} holds, {@code null} if nothing. */
    Remembered answer(String sessionId, KeyBook book, int slot) {
        return answers.get(sessionId + "/" + book.id() + "/" + slot).await().atMost(Wire.TIMEOUT);
    }

    /** The calls of each operation ({@code "map operation"}) on the key maps so far. */
    Map<String, Double> operations() {
        Map<String, Double> calls = new TreeMap<>();
        for (String line : given().when().get(metrics).then().statusCode(200).extract().asString().split("\n")) {
            Matcher sample = KEY_OPERATION.matcher(line);
            if (sample.matches()) {
                calls.merge(sample.group(1) + " " + sample.group(2), Double.parseDouble(sample.group(3)), Double::sum);
            }
        }
        return calls;
    }

    /** The calls from {@code before} to {@code after}, the operations not called left out. */
    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> calls = new TreeMap<>();
        after.forEach((operation, count) -> {
            double made = count - before.getOrDefault(operation, 0.0);
            if (made > 0) {
                calls.put(operation, made);
            }
        });
        return calls;
    }
}

package io.multistudio.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** JSON both ways: requests as trees, answers and events decoded into {@link ServerMessage} records. */
final class MessageCodec {

    private final ObjectMapper json = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A request of {@code kind}, its {@code kind} first. */
    ObjectNode request(String kind) {
        return fields().put("kind", kind);
    }

    /** The {@code HELLO} for {@code options}; with a {@code token} a resume from {@code lastSeq} (null: none). */
    ObjectNode hello(ClientOptions options, String token, Long lastSeq) {
        ObjectNode hello = request("HELLO");
        // TextNode.valueOf(null) is null: absent values are left out.
        putIfPresent(hello, "name", TextNode.valueOf(options.name()));
        putIfPresent(hello, "data", options.data());
        putIfPresent(hello, "auth", TextNode.valueOf(options.auth()));
        putIfPresent(hello, "reconnect_token", TextNode.valueOf(token));
        putIfPresent(hello, "last_seq", lastSeq == null ? null : LongNode.valueOf(lastSeq));
        return hello;
    }

    private static void putIfPresent(ObjectNode message, String field, JsonNode value) {
        if (value != null) {
            message.set(field, value);
        }
    }

    /** An empty JSON object, for a request's fields. */
    ObjectNode fields() {
        return json.createObjectNode();
    }

    /** Any value Jackson can write (a record, a map, a tree) as a JSON tree. */
    JsonNode tree(Object value) {
        return json.valueToTree(value);
    }

    String encode(JsonNode message) {
        return message.toString();
    }

    /** The message in {@code text}; a message with a {@code why} is an {@link ServerMessage.Error}. */
    Decoded decode(String text) throws JsonProcessingException {
        JsonNode tree = json.readTree(text);
        if (tree == null || !tree.isObject() || !tree.path("kind").isTextual()) {
            throw new JsonProcessingException("not a protocol message: " + text) {
            };
        }
        Class<? extends ServerMessage> type = tree.has("why") ? ServerMessage.Error.class : ServerMessage.class;
        String rid = tree.path("rid").isTextual() ? tree.get("rid").asText() : null;
        return new Decoded(rid, json.treeToValue(tree, type));
    }

    /** A decoded message and the {@code rid} that relates it to a request of this client, if any. */
    record Decoded(String rid, ServerMessage message) {
    }
}

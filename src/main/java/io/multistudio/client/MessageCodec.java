package io.multistudio.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON both ways: requests as trees, answers and events decoded into {@link ServerMessage} records. */
final class MessageCodec {

    private final ObjectMapper json = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A request of {@code kind}; fields whose value is null are left out. */
    ObjectNode request(String kind) {
        return json.createObjectNode().put("kind", kind);
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

package io.multistudio.room;

import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch (RFC 7396) on Jackson's own trees. Jakarta JSON-P's implementation was tried first, through
 * Jackson's JSON-P module, but the conversion between the two tree models corrupted integers beyond 64 bits and failed
 * on numbers beyond a double's range (found by the protocol fuzz test); the algorithm itself is a few lines.
 */
@Singleton
public class MergePatch {

    /** {@code patch} applied to {@code target}; neither is modified. */
    public ObjectNode apply(ObjectNode target, ObjectNode patch) {
        ObjectNode result = target.deepCopy();
        merge(result, patch);
        return result;
    }

    /** RFC 7396 §2: null removes a member, an object merges into the member, anything else replaces it. */
    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (value.isNull()) {
                target.remove(name);
            } else if (value instanceof ObjectNode patchObject) {
                ObjectNode child = target.get(name) instanceof ObjectNode existing ? existing : target.putObject(name);
                merge(child, patchObject);
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }
}

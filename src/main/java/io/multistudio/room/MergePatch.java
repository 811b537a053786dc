package io.multistudio.room;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsonp.JSONPModule;

import io.multistudio.protocol.Codec;

/**
 * JSON Merge Patch (RFC 7396) by Jakarta JSON Processing's implementation, so the algorithm is the standard's
 * reference behaviour rather than ours; Jackson's JSON-P module converts between the two tree models.
 */
@Singleton
public class MergePatch {

    private final ObjectMapper mapper;

    MergePatch(Codec codec) {
        this.mapper = codec.mapper().copy().registerModule(new JSONPModule());
    }

    /** {@code patch} applied to {@code target}; neither is modified. */
    public ObjectNode apply(ObjectNode target, ObjectNode patch) {
        JsonValue patched = Json.createMergePatch(mapper.convertValue(patch, JsonValue.class))
                .apply(mapper.convertValue(target, JsonValue.class));
        JsonNode result = mapper.convertValue(patched, JsonNode.class);
        return (ObjectNode) result;
    }
}

package io.multistudio.engine.infinispan;

import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.multistudio.engine.StoreBytes;

/** Turns values into the JSON text stored in a cache and back. */
final class JsonValues<V> {

    private final ObjectMapper mapper;
    private final Class<V> type;
    private final String map;
    private final StoreBytes bytes;

    JsonValues(ObjectMapper mapper, Class<V> type, String map, StoreBytes bytes) {
        this.mapper = mapper;
        this.type = type;
        this.map = map;
        this.bytes = bytes;
    }

    String write(V value) {
        try {
            String json = mapper.writeValueAsString(value);
            bytes.record(map, "written", json.length());
            return json;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code json} as read from the store, whose value {@code known} this node has: counted, not parsed again. */
    V read(String json, V known) {
        bytes.record(map, "read", json.length());
        return known;
    }

    V read(String json) {
        if (json == null) {
            return null;
        }
        bytes.record(map, "read", json.length());
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

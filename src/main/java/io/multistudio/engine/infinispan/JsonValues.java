package io.multistudio.engine.infinispan;

import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns values into the JSON text stored in a cache and back. */
final class JsonValues<V> {

    private final ObjectMapper mapper;
    private final Class<V> type;

    JsonValues(ObjectMapper mapper, Class<V> type) {
        this.mapper = mapper;
        this.type = type;
    }

    String write(V value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    V read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

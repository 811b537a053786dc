package io.multistudio.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The wire format: JSON text with snake_case field names and no {@code null} fields. Also the format the engines
 * store values in, so a value read back from Infinispan is the value written.
 */
@Singleton
public class Codec {

    /**
     * Nesting beyond this is refused as malformed on reading, far below what writing allows, so that data a client
     * sent can always be written back inside the messages that carry it.
     */
    static final int MAX_NESTING = 256;
    private static final ObjectMapper SIZING = new ObjectMapper();

    /**
     * The empty object that user and room data without a value start as, one for all: every session holding its own
     * cost each idle connection about a hundred bytes. Its map cannot change, so a change made to it in place fails
     * instead of reaching every holder; data changes go through {@code MergePatch}, which copies first.
     */
    public static final ObjectNode EMPTY_OBJECT = new ObjectNode(JsonNodeFactory.instance, Map.of());

    private final ObjectMapper mapper = JsonMapper.builder(jsonFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // Numbers are kept as sent: no rounding to a double, no 1e400 turned into Infinity.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static JsonFactory jsonFactory() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                .build();
        factory.setCharacterEscapes(new SurrogateEscapes());
        return factory;
    }

    /**
     * One generator per thread, reused for every message written: a new one per message (with its I/O context and
     * output writer) was the largest allocation of a handshake of ours.
     */
    private final FastThreadLocal<ReusedWriter> writers = new FastThreadLocal<>() {
        @Override
        protected ReusedWriter initialValue() {
            return new ReusedWriter(mapper);
        }
    };

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses one client frame into its envelope, or fails with the envelope error it deserves. */
    public Request parse(String text) {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException | NumberFormatException e) {
            // A number no BigDecimal can hold (an exponent beyond an int) fails as a NumberFormatException.
            throw new ProtocolException(Why.MALFORMED_JSON);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ProtocolException(Why.MALFORMED_JSON);
        }
        if (!(tree instanceof ObjectNode body)) {
            throw new ProtocolException(Why.NOT_AN_OBJECT);
        }
        return Request.of(body);
    }

    /** The {@code rid} of a frame that may be anything, {@code null} if it has no valid one. */
    public String ridOf(String text) {
        try {
            return parse(text).rid();
        } catch (ProtocolException | RequestException e) {
            return e instanceof RequestException envelope ? envelope.rid() : null;
        }
    }

    /** {@code message} as JSON text, written by this thread's reused generator. */
    public String write(Object message) {
        ReusedWriter writer = writers.get();
        try {
            return writer.write(message);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialize " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * Size in bytes of {@code node} as plain UTF-8 JSON, to check data limits: the escapes this codec writes for
     * surrogates must not make a non-BMP character count for more than its four bytes.
     */
    public int serializedSize(JsonNode node) {
        try {
            return SIZING.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize JSON data", e);
        }
    }

    /**
     * The requester's copy of an already serialized message: the same text with {@code "rid"} right after the
     * leading {@code "kind"} field, which every {@link ServerMessage} writes first.
     */
    public String withRid(String serialized, String rid) {
        if (rid == null) {
            return serialized;
        }
        int afterKind = serialized.indexOf(',');
        String ridField = "\"rid\":" + write(rid);
        return afterKind < 0
                ? serialized.substring(0, serialized.length() - 1) + "," + ridField + "}"
                : serialized.substring(0, afterKind + 1) + ridField + "," + serialized.substring(afterKind + 1);
    }
}

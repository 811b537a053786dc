package io.multistudio.protocol;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed access to a request's fields. A field that is absent or JSON {@code null} counts as not given; one of the
 * wrong type is {@code BADR}/{@code FIELD_INVALID} naming it, unless the caller maps it to a more specific case.
 */
public final class Fields {

    private final ObjectNode body;

    Fields(ObjectNode body) {
        this.body = body;
    }

    public Optional<JsonNode> raw(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    public Optional<String> text(String name) {
        return raw(name).map(value -> {
            if (!value.isTextual()) {
                throw ProtocolException.invalidField(name, name + " must be a string");
            }
            return value.textValue();
        });
    }

    public Optional<Long> integer(String name, long min, long max) {
        return raw(name).map(value -> {
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                    || value.longValue() > max) {
                throw ProtocolException.invalidField(name, name + " must be an integer from " + min + " to " + max);
            }
            return value.longValue();
        });
    }

    public Optional<Boolean> bool(String name) {
        return raw(name).map(value -> {
            if (!value.isBoolean()) {
                throw ProtocolException.invalidField(name, name + " must be true or false");
            }
            return value.booleanValue();
        });
    }

    /** An object field; a value of another type is answered with {@code invalid}. */
    public Optional<ObjectNode> object(String name, Why invalid) {
        return raw(name).map(value -> {
            if (!(value instanceof ObjectNode object)) {
                throw new ProtocolException(invalid, name, name + " must be a JSON object");
            }
            return object;
        });
    }
}

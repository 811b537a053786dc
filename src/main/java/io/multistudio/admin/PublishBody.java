package io.multistudio.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.multistudio.protocol.Codec;
import io.multistudio.room.RoomRequests;

/**
 * The bodies of the publish API, read from the raw text so that every way a body can be wrong gets a JSON error with
 * a code ({@code invalid_body}) rather than the framework's own answer.
 */
@Schema(name = "PublishMessage", description = "A message for the members of a room")
public record PublishBody(@Schema(description = "any JSON value", required = true) Object data,
        @Schema(description = "a member's user id: only that member receives it") String to) {

    /** The message of {@code POST /api/rooms/{id}/messages}, at most {@code maxSize} bytes of serialized data. */
    static RoomRequests.Send message(Codec codec, String text, int maxSize) {
        JsonNode body = object(codec, text);
        JsonNode data = body.get("data");
        if (data == null) {
            throw invalid("data is required");
        }
        JsonNode to = body.get("to");
        if (to != null && !to.isNull() && !to.isTextual()) {
            throw invalid("to must be a user id");
        }
        if (codec.serializedSize(data) > maxSize) {
            throw new ApiException(400, "data_too_large", "data may take at most " + maxSize + " bytes");
        }
        return new RoomRequests.Send(data, to == null || to.isNull() ? null : to.textValue());
    }

    /** The JSON merge patch of {@code PATCH /api/rooms/{id}/data}: a JSON object. */
    static ObjectNode patch(Codec codec, String text) {
        return object(codec, text);
    }

    private static ObjectNode object(Codec codec, String text) {
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? null : codec.mapper().readTree(text);
        } catch (Exception e) {
            throw invalid("the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(body instanceof ObjectNode object)) {
            throw invalid("the body must be a JSON object");
        }
        return object;
    }

    private static ApiException invalid(String detail) {
        return new ApiException(400, "invalid_body", detail);
    }
}

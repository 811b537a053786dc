package io.multistudio.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.multistudio.protocol.ServerMessage;

/**
 * A room as the protocol's {@code MultiRoom}: the operator sees rooms exactly as clients do, and never the password
 * hash the store keeps.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A room, as the protocol's MultiRoom; data is left out of room lists")
public record ApiRoom(String id, String name, @Schema(description = "user id of the owner") String owner,
        int capacity, boolean listed, boolean hasPassword, ObjectNode data, int memberCount,
        @Schema(description = "epoch millis") long createdAt) {

    static ApiRoom of(ServerMessage.MultiRoom room) {
        return new ApiRoom(room.id(), room.name(), room.owner(), room.capacity(), room.listed(), room.hasPassword(),
                room.data(), room.memberCount(), room.createdAt());
    }
}

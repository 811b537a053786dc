package io.multistudio.admin;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A room with its data and members.
 *
 * @param seq the room's latest event seq
 * @param members ordered by join time, oldest first
 */
@Schema(description = "A room with its data, its latest seq and its members")
public record RoomDetails(ApiRoom room, long seq, List<ApiMember> members) {
}

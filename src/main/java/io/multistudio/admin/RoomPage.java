package io.multistudio.admin;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of every room, listed or not, oldest first.
 *
 * @param total rooms on every node, so that an operator knows how many pages there are
 */
@Schema(description = "One page of all rooms, oldest first")
public record RoomPage(int page, int size, int total, List<ApiRoom> rooms) {
}

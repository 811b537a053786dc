package io.multistudio.room;

import java.util.List;

import io.multistudio.protocol.ServerMessage;

/** A room the user is now in, with its members as of the seq it was entered at. */
public record Entered(Room room, List<ServerMessage.Member> members, long seq) {
}

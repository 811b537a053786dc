package io.multistudio.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.multistudio.protocol.ServerMessage;

/** A room member as the protocol's {@code Member}; {@code connected} is false while its session is in grace. */
@Schema(description = "A room member, as the protocol's Member")
public record ApiMember(String id, String name,
        ObjectNode data, boolean connected) {

    static ApiMember of(ServerMessage.Member member) {
        return new ApiMember(member.id(), member.name(), member.data(), member.connected());
    }
}

package io.multistudio.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.protocol.Codec;
import io.multistudio.room.Rooms;
import io.smallrye.mutiny.Uni;

/**
 * The publish API: the application's backend posts into rooms and patches their data, with the operator API's
 * credentials (checked by {@link OperatorApiFilter}). What it publishes is a room event like any member's.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Backend", description = "The application's backend publishes into rooms")
@SecurityRequirement(name = OperatorResource.SECURITY_SCHEME)
@APIResponse(responseCode = "400", description = "The body is not what the endpoint takes (invalid_body), or the"
        + " data is too large (data_too_large)", content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "401", description = "No usable bearer token",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "403", description = "A JWT without the admin role, or the API is disabled",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "404", description = "No such room (room_not_found), or to is not a member of it"
        + " (user_not_in_room)", content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "503", description = "The store did not answer in time",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
public class PublishResource {

    private final Rooms rooms;
    private final Codec codec;
    private final MultiStudioConfig config;

    PublishResource(Rooms rooms, Codec codec, MultiStudioConfig config) {
        this.rooms = rooms;
        this.codec = codec;
        this.config = config;
    }

    @POST
    @Path("/rooms/{id}/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publishes a message: the members (or only to) get a MESSAGE room event with \"server\": true"
            + " and no from, replayed like any other")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PublishBody.class)))
    @APIResponse(responseCode = "200", description = "Published",
            content = @Content(schema = @Schema(implementation = Published.class)))
    public Uni<Published> message(@PathParam("id") String id, String body) {
        return rooms.publish(id, PublishBody.message(codec, body, config.maxMessageSize())).map(Published::new);
    }

    @PATCH
    @Path("/rooms/{id}/data")
    @Consumes({ "application/merge-patch+json", MediaType.APPLICATION_JSON })
    @Operation(summary = "Applies a JSON merge patch (RFC 7396) to the room's data: the members get ROOM_UPDATED")
    @RequestBody(required = true, description = "A JSON merge patch",
            content = @Content(schema = @Schema(ref = "JsonObject")))
    @APIResponse(responseCode = "200", description = "Patched",
            content = @Content(schema = @Schema(implementation = Published.class)))
    public Uni<Published> data(@PathParam("id") String id, String body) {
        return rooms.patchData(id, PublishBody.patch(codec, body)).map(Published::new);
    }
}

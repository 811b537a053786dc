package io.multistudio.admin;

import java.util.Comparator;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.multistudio.cluster.Node;
import io.multistudio.cluster.NodeRegistry;
import io.multistudio.observability.ClusterCensus;
import io.multistudio.room.Membership;
import io.multistudio.room.Rooms;
import io.smallrye.mutiny.Uni;

/**
 * The operator API: rooms on every node, closing rooms, removing members, and the cluster's load. Access is checked
 * by {@link OperatorApiFilter} before any of this runs. Every answer comes from the shared state, so any node answers
 * for the whole cluster.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Operator", description = "Rooms and load of the whole cluster, for operators")
@SecurityScheme(securitySchemeName = OperatorResource.SECURITY_SCHEME, type = SecuritySchemeType.HTTP,
        scheme = "bearer", description = "The admin token (MULTISTUDIO_AUTH_ADMIN_TOKEN) or, with authentication on,"
                + " a JWT whose groups claim holds the admin role (MULTISTUDIO_AUTH_ADMIN_ROLE)")
@SecurityRequirement(name = OperatorResource.SECURITY_SCHEME)
@APIResponse(responseCode = "401", description = "No bearer token, or one that is neither the admin token nor a"
        + " valid JWT", content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "403", description = "A valid JWT without the admin role, or the operator API is"
        + " disabled (no admin token and no admin role configured)",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "503", description = "The store did not answer in time",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
public class OperatorResource {

    static final String SECURITY_SCHEME = "operator";
    static final int MAX_PAGE_SIZE = 200;
    static final int DEFAULT_PAGE_SIZE = 50;

    private final Rooms rooms;
    private final Membership membership;
    private final ClusterCensus census;
    private final Node node;

    OperatorResource(Rooms rooms, Membership membership, ClusterCensus census, Node node) {
        this.rooms = rooms;
        this.membership = membership;
        this.census = census;
        this.node = node;
    }

    @GET
    @Path("/rooms")
    @Operation(summary = "Every room, listed or not, oldest first, one page at a time (room data left out)")
    @APIResponse(responseCode = "200", description = "The page",
            content = @Content(schema = @Schema(implementation = RoomPage.class)))
    @APIResponse(responseCode = "400", description = "page or size out of range",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<RoomPage> rooms(
            @Parameter(description = "page number, from 0",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0", defaultValue = "0"))
            @QueryParam("page") String page,
            @Parameter(description = "rooms per page",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200", defaultValue = "50"))
            @QueryParam("size") String size) {
        // Parsed here rather than bound as int: JAX-RS answers an unparsable query parameter with 404, not 400.
        int pageNumber = integer("page", page, 0, 0, Integer.MAX_VALUE);
        int pageSize = integer("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        return rooms.all().map(all -> {
            long from = (long) pageNumber * pageSize;
            List<ApiRoom> onPage = all.stream()
                    .skip(from)
                    .limit(pageSize)
                    .map(room -> ApiRoom.of(room.view().withoutData()))
                    .toList();
            return new RoomPage(pageNumber, pageSize, all.size(), onPage);
        });
    }

    @GET
    @Path("/rooms/{id}")
    @Operation(summary = "A room with its data and its members, connected or in their reconnect grace")
    @APIResponse(responseCode = "200", description = "The room",
            content = @Content(schema = @Schema(implementation = RoomDetails.class)))
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<RoomDetails> room(@PathParam("id") String id) {
        return rooms.details(id).map(entered -> {
            if (entered == null) {
                throw ApiException.notFound("no room " + id);
            }
            return new RoomDetails(ApiRoom.of(entered.room().view()), entered.seq(),
                    entered.members().stream().map(ApiMember::of).toList());
        });
    }

    @DELETE
    @Path("/rooms/{id}")
    @Operation(summary = "Closes a room: every member, on whichever node, gets LEFT_ROOM with reason closed, and the"
            + " room is deleted")
    @APIResponse(responseCode = "204", description = "Closed")
    @APIResponse(responseCode = "404", description = "No such room",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Void> close(@PathParam("id") String id) {
        return membership.close(id).map(closed -> {
            if (!closed) {
                throw ApiException.notFound("no room " + id);
            }
            return null;
        });
    }

    @DELETE
    @Path("/rooms/{id}/members/{userId}")
    @Operation(summary = "Removes a member: it gets LEFT_ROOM with reason kicked, the others USER_LEFT")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "No such room, or the user is not a member of it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Void> remove(@PathParam("id") String id, @PathParam("userId") String userId) {
        return membership.remove(id, userId).map(removed -> {
            if (!removed) {
                throw ApiException.notFound("no member " + userId + " in room " + id);
            }
            return null;
        });
    }

    @GET
    @Path("/stats")
    @Operation(summary = "Each node's load as of its last lease renewal, and cluster-wide sums and counts",
            description = "Rooms and sessions in grace are counted by the store without reading them; sessions in"
                    + " grace are as of the nodes' last lease renewals.")
    @APIResponse(responseCode = "200", description = "The load",
            content = @Content(schema = @Schema(implementation = ClusterStats.class)))
    public Uni<ClusterStats> stats() {
        return census.take().map(taken -> stats(node.id(), taken.nodes(), taken.sessionsInGrace(), taken.rooms()));
    }

    /** The answering node first, then the others by id, so that the order is stable from one poll to the next. */
    static ClusterStats stats(String self, List<NodeRegistry.NodeLease> leases, long inGrace, long roomCount) {
        List<ClusterStats.NodeLoad> nodes = leases.stream()
                .sorted(Comparator.comparing((NodeRegistry.NodeLease lease) -> !lease.id().equals(self))
                        .thenComparing(NodeRegistry.NodeLease::id))
                .map(lease -> new ClusterStats.NodeLoad(lease.id(), lease.renewedAt(), lease.connections(),
                        round(lease.messagesInPerSecond()), round(lease.messagesOutPerSecond())))
                .toList();
        long connections = leases.stream().mapToLong(NodeRegistry.NodeLease::connections).sum();
        double in = leases.stream().mapToDouble(NodeRegistry.NodeLease::messagesInPerSecond).sum();
        double out = leases.stream().mapToDouble(NodeRegistry.NodeLease::messagesOutPerSecond).sum();
        return new ClusterStats(self, nodes,
                new ClusterStats.Totals(leases.size(), connections, inGrace, roomCount, round(in), round(out)));
    }

    private static int integer(String name, String value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below like any value out of range.
        }
        throw ApiException.invalidParameter(name + " must be an integer from " + min + " to " + max);
    }

    private static double round(double rate) {
        return Math.round(rate * 100) / 100.0;
    }
}

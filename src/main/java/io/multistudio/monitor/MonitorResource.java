package io.multistudio.monitor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.common.annotation.NonBlocking;

/** This node's live numbers for the playground's monitor panel and for operators. */
@Path("/monitor")
public class MonitorResource {

    private final NodeStats stats;

    MonitorResource(NodeStats stats) {
        this.stats = stats;
    }

    /** Reading counters never blocks, so there is no reason to hop to a worker thread. */
    @GET
    @Path("/stats")
    @Produces(MediaType.APPLICATION_JSON)
    @NonBlocking
    public Stats stats() {
        return stats.stats();
    }
}

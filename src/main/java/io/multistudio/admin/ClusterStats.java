package io.multistudio.admin;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The load of every node and of the cluster as a whole.
 *
 * @param thisNode id of the node that answered
 * @param nodes every live node, the answering one first, as of its last lease renewal
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(description = "Per-node and cluster-wide load")
public record ClusterStats(String thisNode, List<NodeLoad> nodes, Totals cluster) {

    /**
     * One node's load, as it reported with its last lease renewal (every 4 seconds).
     *
     * @param renewedAt epoch millis of the renewal the numbers come from
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "One node's load as of its last lease renewal")
    public record NodeLoad(String id, long renewedAt, int connections, double messagesInPerSecond,
            double messagesOutPerSecond) {
    }

    /** Sums over every node, and the counts that only the shared state knows. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(name = "ClusterTotals", description = "Cluster-wide sums and counts")
    public record Totals(int nodes, long connections, long sessionsInGrace, long rooms, double messagesInPerSecond,
            double messagesOutPerSecond) {
    }
}

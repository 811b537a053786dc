package io.multistudio.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.multistudio.cluster.NodeRegistry.NodeLease;

/** How the node leases add up to the cluster's load. */
class OperatorStatsTest {

    @Test
    void theAnsweringNodeComesFirstAndTheClusterIsTheSumOfItsNodes() {
        List<NodeLease> leases = List.of(
                new NodeLease("c", 3000, 5, 4, 1.25, 10),
                new NodeLease("b", 2000, 7, 7, 2.5, 20.333),
                new NodeLease("a", 1000, 1, 0, 0, 0.5));

        ClusterStats stats = OperatorResource.stats("b", leases, 4, 9);

        assertThat(stats.thisNode()).isEqualTo("b");
        assertThat(stats.nodes()).extracting(ClusterStats.NodeLoad::id).containsExactly("b", "a", "c");
        assertThat(stats.nodes().get(0)).isEqualTo(new ClusterStats.NodeLoad("b", 2000, 7, 2.5, 20.33));
        assertThat(stats.cluster()).isEqualTo(new ClusterStats.Totals(3, 13, 4, 9, 3.75, 30.83));
    }

    @Test
    void withoutLeasesTheClusterHasNoNodes() {
        ClusterStats stats = OperatorResource.stats("a", List.of(), 0, 0);

        assertThat(stats.nodes()).isEmpty();
        assertThat(stats.cluster()).isEqualTo(new ClusterStats.Totals(0, 0, 0, 0, 0, 0));
    }
}

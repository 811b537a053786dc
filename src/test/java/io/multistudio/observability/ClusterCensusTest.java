package io.multistudio.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.multistudio.cluster.NodeRegistry.NodeLease;

/** Sessions in grace are the stored sessions less those the live nodes say they carry. */
class ClusterCensusTest {

    @Test
    void theSessionsEveryLiveNodeCarriesAreNotInGrace() {
        List<NodeLease> leases = List.of(new NodeLease("a", 1000, 6, 4, 0, 0), new NodeLease("b", 1000, 3, 3, 0, 0));

        assertThat(ClusterCensus.inGrace(10, leases)).isEqualTo(3);
    }

    @Test
    void withoutLiveNodesEveryStoredSessionIsInGrace() {
        assertThat(ClusterCensus.inGrace(5, List.of())).isEqualTo(5);
    }

    @Test
    void leasesThatStillCountSessionsGoneSinceCountNoneBelowZero() {
        List<NodeLease> leases = List.of(new NodeLease("a", 1000, 2, 2, 0, 0));

        assertThat(ClusterCensus.inGrace(1, leases)).isZero();
    }
}

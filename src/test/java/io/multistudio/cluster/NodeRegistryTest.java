package io.multistudio.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.engine.memory.MemoryEngine;
import io.multistudio.testsupport.FailingEngine;

/** A node tells when a renewal finds its own lease gone, and only then. */
class NodeRegistryTest {

    private final Engine engine = new MemoryEngine();
    private final Node node = new Node();
    private final SharedMap<NodeRegistry.NodeLease> leases = engine.map("nodes", NodeRegistry.NodeLease.class,
            lease -> NodeRegistry.LEASE);
    private final NodeRegistry registry = new NodeRegistry(engine, node);
    private final AtomicInteger losses = new AtomicInteger();

    @AfterEach
    void close() {
        registry.close();
        engine.close();
    }

    @Test
    void aRenewalThatFindsTheLeaseGoneTellsThatItWasLost() {
        registry.onLeaseLost(losses::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> lease() != null);

        leases.remove(node.id()).await().atMost(Duration.ofSeconds(5));
        registry.renew();

        await().atMost(Duration.ofSeconds(10)).until(() -> losses.get() == 1);
        assertThat(lease()).as("the lease is back").isNotNull();
    }

    @Test
    void renewingALeaseThatIsThereLosesNothing() {
        registry.onLeaseLost(losses::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> lease() != null);
        long renewedAt = lease().renewedAt();

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            registry.renew();
            return lease().renewedAt() > renewedAt;
        });

        assertThat(losses).hasValue(0);
    }

    @Test
    void theLeaseIsRenewedOnItsOwnThread() {
        await().atMost(Duration.ofSeconds(10)).until(() -> lease() != null);
        long renewedAt = lease().renewedAt();
        Thread[] renewing = new Thread[1];
        registry.reportLoad(() -> {
            renewing[0] = Thread.currentThread();
            return new NodeRegistry.Load(0, 0, 0, 0);
        });

        await().atMost(NodeRegistry.RENEWAL.multipliedBy(3)).until(() -> lease().renewedAt() > renewedAt);

        assertThat(renewing[0].getName()).as("no event loop, no caller's thread").isEqualTo("multistudio-lease");
    }

    @Test
    void theLeaseCarriesTheConnectionsAndSessionsOfTheLoadAsOfTheRenewal() {
        registry.reportLoad(() -> new NodeRegistry.Load(5, 3, 0, 0));

        registry.renew();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(lease().connections()).isEqualTo(5);
            assertThat(lease().sessions()).isEqualTo(3);
        });
    }

    @Test
    void aNodeIsLeasedOnlyOnceItsLeaseIsWritten() {
        FailingEngine store = new FailingEngine();
        store.down(true);
        try {
            NodeRegistry late = new NodeRegistry(store, new Node());
            late.renew();
            assertThat(late.leased()).as("leased while the store does not answer").isFalse();

            store.down(false);
            late.renew();
            await().atMost(Duration.ofSeconds(10)).until(late::leased);
            late.close();
        } finally {
            store.close();
        }
    }

    @Test
    void afterAFailedRenewalANodeIsNotLeasedUntilARenewalFindsOutWhetherItsLeaseSurvived() {
        FailingEngine store = new FailingEngine();
        try {
            NodeRegistry outaged = new NodeRegistry(store, new Node());
            outaged.onLeaseLost(losses::incrementAndGet);
            await().atMost(Duration.ofSeconds(10)).until(outaged::leased);

            store.down(true);
            outaged.renew();
            await().atMost(Duration.ofSeconds(10)).until(() -> !outaged.leased());
            store.down(false);
            assertThat(outaged.leased()).as("the store answers again, the lease is not known yet").isFalse();

            outaged.renew();
            await().atMost(Duration.ofSeconds(10)).until(outaged::leased);
            assertThat(losses).as("the lease survived the outage").hasValue(0);
            outaged.close();
        } finally {
            store.close();
        }
    }

    private NodeRegistry.NodeLease lease() {
        return leases.get(node.id()).await().atMost(Duration.ofSeconds(5));
    }
}

package io.multistudio.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the application under test at the {@linkplain InfinispanServer#shared() shared} Infinispan
 * server, via {@code @QuarkusTestResource(InfinispanTestResource.class)} or {@code @WithTestResource}.
 */
public class InfinispanTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return configFor(InfinispanServer.shared());
    }

    /** The application's configuration for running on {@code server}. */
    public static Map<String, String> configFor(InfinispanServer server) {
        String hosts = server.hotRodAddress();
        return Map.of(
                "quarkus.infinispan-client.hosts", hosts,
                // The application's own view of the hosts, kept consistent with the client's.
                "multistudio.infinispan-hosts", hosts,
                "quarkus.infinispan-client.use-auth", "false",
                // The client must not follow the topology to the server's cluster addresses.
                "quarkus.infinispan-client.client-intelligence", "BASIC",
                "multistudio.engine", "infinispan");
    }

    @Override
    public void stop() {
        // The shared server outlives this test class: later classes reuse it, a JVM shutdown hook stops it.
    }
}

package io.multistudio.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import io.multistudio.testsupport.InfinispanServer;

/** App nodes on one engine for one workload, and the Infinispan server they share when the engine needs one. */
final class AppNodes {

    private AppNodes() {
    }

    /**
     * Runs {@code body} on {@code nodes} app nodes, each started by {@code start} with the environment that points it
     * at the store; an Infinispan server is started first, from this JVM, so that it shares the generator's CPU and
     * not the servers'. Everything started is stopped afterwards.
     */
    static void run(String engine, int nodes, Function<Map<String, String>, ServerProcess> start,
            Consumer<List<ServerProcess>> body) {
        InfinispanServer infinispan = "infinispan".equals(engine)
                ? InfinispanServer.builder().name("bench").underLoad().build().start() : null;
        Map<String, String> env = new HashMap<>();
        if (infinispan != null) {
            env.put("MULTISTUDIO_INFINISPAN_HOSTS", infinispan.hotRodAddress());
            env.put("QUARKUS_INFINISPAN_CLIENT_USE_AUTH", "false");
            env.put("QUARKUS_INFINISPAN_CLIENT_CLIENT_INTELLIGENCE", "BASIC");
        }
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < nodes; i++) {
                servers.add(start.apply(env));
            }
            body.accept(servers);
        } finally {
            servers.forEach(ServerProcess::close);
            if (infinispan != null) {
                infinispan.stop();
            }
        }
    }
}

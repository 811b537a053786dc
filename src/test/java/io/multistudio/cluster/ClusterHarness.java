package io.multistudio.cluster;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.InfinispanServer;

/**
 * A whole MultiStudio cluster on loopback: an Infinispan cluster of two server JVMs (the application's caches are
 * distributed with two owners, so either node holds everything) and several packaged application JVMs that use both,
 * each on its own free port. Logs: {@code target/infinispan-server/<node>/log/server.log} and
 * {@code target/app-processes/<node>.log}.
 * <p>
 * Every process is killed by {@link #close()}, and by JVM shutdown hooks (registered by the launchers) if a test run
 * is aborted.
 */
final class ClusterHarness implements AutoCloseable {

    /** Short, so that the grace-expiry scenario needs no long wait; every node must use the same value. */
    static final Duration RECONNECT_GRACE = Duration.ofSeconds(3);
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);

    private final List<InfinispanServer> stores = new ArrayList<>();
    private final List<AppProcess> apps = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "cluster-clients");
        thread.setDaemon(true);
        return thread;
    });
    private int clients;

    private ClusterHarness() {
    }

    /**
     * Starts {@code storeNodes} Infinispan servers one after the other (each joins the cluster of the ones before),
     * then {@code appNodes} application instances in parallel.
     */
    static ClusterHarness start(int storeNodes, int appNodes) {
        ClusterHarness cluster = new ClusterHarness();
        try {
            List<Integer> jgroupsPorts = InfinispanServer.allocateClusterPorts(storeNodes);
            for (int i = 0; i < storeNodes; i++) {
                cluster.stores.add(InfinispanServer.builder()
                        .name("cluster-ispn-" + i)
                        .clusterMember(jgroupsPorts, i)
                        .build()
                        .start());
            }
            cluster.awaitStoreCluster();
            Map<String, String> environment = cluster.appEnvironment();
            List<CompletableFuture<AppProcess>> starting = IntStream.range(0, appNodes)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> AppProcess.start("cluster-app-" + i, environment)))
                    .toList();
            for (CompletableFuture<AppProcess> app : starting) {
                cluster.apps.add(app.join());
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** What every application node gets: the same store, the same grace. */
    private Map<String, String> appEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("MULTISTUDIO_INFINISPAN_HOSTS",
                stores.stream().map(InfinispanServer::hotRodAddress).collect(Collectors.joining(";")));
        environment.put("QUARKUS_INFINISPAN_CLIENT_USE_AUTH", "false");
        // The servers advertise their loopback addresses, so the client may follow the topology; BASIC (only the
        // listed hosts) is the default here, the other can be tried with -Dcluster.client-intelligence.
        environment.put("QUARKUS_INFINISPAN_CLIENT_CLIENT_INTELLIGENCE",
                System.getProperty("cluster.client-intelligence", "BASIC"));
        environment.put("MULTISTUDIO_RECONNECT_GRACE", RECONNECT_GRACE.toSeconds() + "s");
        environment.put("MULTISTUDIO_STORE_TIMEOUT", STORE_TIMEOUT.toSeconds() + "s");
        // Short-lived test servers on a small machine: start-up time and footprint matter more than peak speed.
        environment.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        return environment;
    }

    /** Waits until every running Infinispan node sees all running nodes in its cluster view. */
    void awaitStoreCluster() {
        List<InfinispanServer> running = stores.stream().filter(InfinispanServer::isRunning).toList();
        await("Infinispan nodes to form one cluster of " + running.size()).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> running.stream().allMatch(store -> store.clusterViewSize() == running.size()));
    }

    InfinispanServer store(int index) {
        return stores.get(index);
    }

    List<InfinispanServer> stores() {
        return List.copyOf(stores);
    }

    AppProcess app(int index) {
        return apps.get(index);
    }

    List<AppProcess> apps() {
        return List.copyOf(apps);
    }

    /** The WebSocket endpoints of the application nodes, in node order (stable across restarts). */
    List<URI> wsUris() {
        return apps.stream().map(AppProcess::wsUri).toList();
    }

    HttpClient http() {
        return http;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** A client (not yet connected) whose home is application node {@code node}. */
    ResumingClient client(String prefix, int node) {
        return new ResumingClient(prefix + "-" + (++clients) + "@" + node, wsUris(), node, scheduler);
    }

    /** The HTTP status of the node's readiness check, -1 if it does not answer. */
    int readiness(AppProcess app) {
        HttpRequest request = HttpRequest.newBuilder(app.managementUri("/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        for (AppProcess app : apps) {
            quietly(app::kill);
        }
        for (InfinispanServer store : stores) {
            quietly(store::kill);
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            System.err.println("Cleanup failed: " + e);
        }
    }
}

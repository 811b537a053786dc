package io.multistudio.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Idle memory: the server's resident memory per idle connection. The server is first warmed up by connect cycles (so
 * that its code is loaded and compiled and its young generation has been used), then {@code connections} clients
 * connect, say {@code HELLO} and sit in rooms of {@code roomSize} members. The server's {@code VmRSS} is read from
 * {@code /proc/<pid>/status} before and after, both times after a full GC ({@code jcmd GC.class_histogram}, whose class
 * histograms also tell what the heap per connection is made of); the figure without that GC and the live heap per
 * connection are reported beside it. A second run on a fresh server takes heap dumps instead, to tell whose that heap
 * is ({@link HeapOwners}).
 */
final class IdleMemory {

    private final Generator gen;
    private final ServerProcess server;
    private final int connections;
    private final int roomSize;

    IdleMemory(Generator gen, ServerProcess server, int connections, int roomSize) {
        this.gen = gen;
        this.server = server;
        this.connections = connections;
        this.roomSize = roomSize;
    }

    Result run(int warmCycles) {
        warmUp(warmCycles);
        Map<String, long[]> histogram0 = server.classHistogram();
        ServerProcess.sleep(2000);
        long rss0 = server.rssKib();
        long heap0 = liveKib(histogram0);
        long threads0 = server.threads();

        long t0 = System.nanoTime();
        List<Conn> all = openAll();
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        ServerProcess.sleep(5000);
        long rssNoGc = server.rssKib();
        Map<String, long[]> histogram1 = server.classHistogram();
        ServerProcess.sleep(2000);
        long rss1 = server.rssKib();
        long heap1 = liveKib(histogram1);
        long threads1 = server.threads();
        long open = closeAll(all);
        return new Result(connections, open, rss0, rss1, rssNoGc, heap0, heap1, threads0, threads1, openSeconds,
                growth(histogram0, histogram1), List.of());
    }

    /**
     * The same steps on a server of its own, with a heap dump in place of each reading: whose the heap per connection
     * is. A separate run because a heap dump changes what the server holds after it (2.2 more live {@code int[]} per
     * connection, about 0.3 KB, even when taken before the warm-up).
     */
    List<HeapOwners.Growth> owners(int warmCycles) {
        warmUp(warmCycles);
        Map<String, long[]> before = server.heapOwners();
        List<Conn> all = openAll();
        ServerProcess.sleep(5000);
        Map<String, long[]> after = server.heapOwners();
        closeAll(all);
        return HeapOwners.growth(before, after, connections);
    }

    private void warmUp(int warmCycles) {
        String warmRoom = "w" + System.nanoTime();
        gen.await(() -> gen.bounded(warmCycles, 50, i -> Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("w").map(conn))
                .compose(conn -> conn.request("{\"kind\":\"" + "CREATE_ROOM\",\"room\":\"" + warmRoom + i + "\"}",
                        "JOINED_ROOM").map(conn))
                .compose(conn -> conn.close(1000))), Duration.ofMinutes(3));
        ServerProcess.sleep(2000);
    }

    /** Every connection in its room: the rooms' owners create them, then the others join. */
    private List<Conn> openAll() {
        int roomCount = (connections + roomSize - 1) / roomSize;
        String prefix = "i" + System.nanoTime() + "-";
        List<Conn> all = new ArrayList<>(gen.await(() -> gen.bounded(roomCount, 100, r -> Conn.open(gen.client,
                        server.port)
                .compose(conn -> conn.hello("owner").map(conn))
                .compose(conn -> conn.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + prefix + r + "\",\"capacity\":"
                        + roomSize + "}", "JOINED_ROOM").map(conn))), Duration.ofMinutes(3)));
        int joiners = connections - roomCount;
        all.addAll(gen.await(() -> gen.bounded(joiners, 100, i -> Conn.open(gen.client, server.port)
                .compose(conn -> conn.hello("m").map(conn))
                .compose(conn -> conn.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + prefix + (i % roomCount) + "\"}",
                        "JOINED_ROOM").map(conn))), Duration.ofMinutes(5)));
        return all;
    }

    /** Closes them all; how many were still open. */
    private long closeAll(List<Conn> all) {
        long open = gen.await(() -> io.vertx.core.Future.succeededFuture(all.stream().filter(c -> !c.closed).count()),
                Duration.ofSeconds(30));
        gen.run(() -> all.forEach(conn -> conn.close(1000)));
        ServerProcess.sleep(3000);
        return open;
    }

    private static long liveKib(Map<String, long[]> histogram) {
        return histogram.values().stream().mapToLong(counts -> counts[1]).sum() / 1024;
    }

    /** The classes whose live bytes grew most, per connection. */
    private List<ClassGrowth> growth(Map<String, long[]> before, Map<String, long[]> after) {
        List<ClassGrowth> grown = new ArrayList<>();
        after.forEach((name, counts) -> {
            long[] was = before.getOrDefault(name, new long[2]);
            long bytes = counts[1] - was[1];
            if (bytes > 0) {
                grown.add(new ClassGrowth(name, (double) (counts[0] - was[0]) / connections,
                        (double) bytes / connections));
            }
        });
        grown.sort((x, y) -> Double.compare(y.bytesPerConnection(), x.bytesPerConnection()));
        return grown.subList(0, Math.min(60, grown.size()));
    }

    record ClassGrowth(String name, double instancesPerConnection, double bytesPerConnection) {
    }

    record Result(int connections, long stillOpen, long rss0, long rss1, long rssNoGc, long heap0, long heap1,
            long threads0, long threads1, double openSeconds, List<ClassGrowth> growth,
            List<HeapOwners.Growth> owners) {

        Result withOwners(List<HeapOwners.Growth> found) {
            return new Result(connections, stillOpen, rss0, rss1, rssNoGc, heap0, heap1, threads0, threads1,
                    openSeconds, growth, found);
        }

        double kibPerConnection() {
            return (double) (rss1 - rss0) / connections;
        }

        double kibPerConnectionNoGc() {
            return (double) (rssNoGc - rss0) / connections;
        }

        double heapKibPerConnection() {
            return (double) (heap1 - heap0) / connections;
        }

        String summary() {
            return String.format("%,d connections (%,d open at the end): RSS %,d -> %,d KiB (%,d without the full GC)"
                            + " = %.2f KB/connection (%.2f without GC), live heap %,d -> %,d KiB = %.2f KB/connection,"
                            + " threads %d -> %d, opened in %.1f s (1 KB = 1,000 bytes, 1 KiB = 1,024)",
                    connections, stillOpen, rss0, rss1, rssNoGc, kibPerConnection() * 1.024,
                    kibPerConnectionNoGc() * 1.024, heap0, heap1, heapKibPerConnection() * 1.024, threads0, threads1,
                    openSeconds);
        }
    }
}

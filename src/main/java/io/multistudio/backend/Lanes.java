package io.multistudio.backend;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.zip.CRC32;

/**
 * Which live node sends a lane's webhooks: rendezvous hashing over the nodes whose leases are live, so that every
 * node agrees without talking, and a dead node's lanes spread over the others once its lease has expired.
 */
final class Lanes {

    private Lanes() {
    }

    static String owner(String lane, Collection<String> nodes) {
        String owner = null;
        long best = Long.MIN_VALUE;
        for (String node : nodes) {
            long weight = weight(node, lane);
            if (weight > best || weight == best && node.compareTo(owner) < 0) {
                best = weight;
                owner = node;
            }
        }
        return owner;
    }

    private static long weight(String node, String lane) {
        CRC32 crc = new CRC32();
        crc.update((node + "\n" + lane).getBytes(StandardCharsets.UTF_8));
        // Mixed further: CRC32 alone correlates across similar node ids.
        long x = crc.getValue() * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 31);
    }
}

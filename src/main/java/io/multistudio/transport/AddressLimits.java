package io.multistudio.transport;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.observability.ServerMetrics;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * Caps on connections per client address and on connections that have not said {@code HELLO} (PROTOCOL.md §2.7,
 * "Resource bounds"), so that one host cannot take every slot of the node. Over a cap an upgrade is refused with
 * HTTP 503; connections that raced past that check together are closed with 1013 when they open.
 *
 * <p>The client address is the peer's, or with Quarkus's forwarding on ({@code quarkus.http.proxy.*}) the one a
 * trusted proxy forwarded: Vert.x's request reports it only when the peer is in {@code trusted-proxies}.
 */
@Singleton
public class AddressLimits implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(AddressLimits.class);
    private static final int SERVICE_UNAVAILABLE = 503;

    private final int perAddress;
    private final int pendingHello;
    private final ServerMetrics metrics;
    /** Changed only inside the map's atomic computations, so that a count and its presence change together. */
    private final Map<String, Count> byAddress = new ConcurrentHashMap<>();
    private final Set<String> awaitingHello = ConcurrentHashMap.newKeySet();

    AddressLimits(MultiStudioConfig config, ServerMetrics metrics,
            @ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding") boolean forwarding,
            @ConfigProperty(name = "quarkus.http.proxy.trusted-proxies") Optional<List<String>> trustedProxies) {
        if (forwarding && trustedProxies.isEmpty()) {
            LOG.warn("Forwarded client addresses are believed from every peer: any client can pose as any address and "
                    + "escape the per-address cap. Set quarkus.http.proxy.trusted-proxies to the proxies' addresses.");
        }
        this.perAddress = config.maxConnectionsPerAddress();
        this.pendingHello = config.maxPendingHello();
        this.metrics = metrics;
        metrics.gauge("multistudio.connections.pending_hello", "Open connections that have not said HELLO yet",
                awaitingHello::size);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String address = context.httpRequest().remoteAddress().hostAddress();
        String refusal = refusal(address, 1);
        if (refusal != null) {
            metrics.refused(refusal);
            return CheckResult.rejectUpgrade(SERVICE_UNAVAILABLE);
        }
        return CheckResult.permitUpgrade();
    }

    /**
     * Counts a new connection against both caps.
     *
     * @return the count of its address, which the connection keeps and hands back when it closes; {@code null},
     *         counting nothing, if it would pass a cap: the caller closes it
     */
    public Count opened(WebSocketConnection socket) {
        String address = host(socket.handshakeRequest().remoteAddress());
        // Counted first and checked after, so that connections opening together cannot all pass.
        Count count = byAddress.compute(address, (key, current) -> (current == null ? new Count(key) : current).add(1));
        awaitingHello.add(socket.id());
        String refusal = refusal(address, 0);
        if (refusal != null) {
            uncount(socket.id(), count);
            metrics.refused(refusal);
            return null;
        }
        return count;
    }

    /** The connection said {@code HELLO}: it no longer counts as pending. */
    public void helloDone(String connectionId) {
        awaitingHello.remove(connectionId);
    }

    /** The connection counted as {@code count} is gone. */
    public void closed(String connectionId, Count count) {
        uncount(connectionId, count);
    }

    int pendingHello() {
        return awaitingHello.size();
    }

    /**
     * The host of the handshake's {@code host:port}: the same address that {@link #perform} counted (the request's,
     * forwarded or not), read again rather than kept in the connection's user data, whose map would cost every idle
     * connection about a hundred bytes.
     */
    private static String host(String hostAndPort) {
        int colon = hostAndPort == null ? -1 : hostAndPort.lastIndexOf(':');
        return colon < 0 ? String.valueOf(hostAndPort) : hostAndPort.substring(0, colon);
    }

    /** Which cap one more connection from {@code address} would pass, with {@code adding} not yet counted. */
    private String refusal(String address, int adding) {
        Count count = byAddress.get(address);
        if ((count == null ? 0 : count.open) + adding > perAddress) {
            return ServerMetrics.PER_ADDRESS;
        }
        return awaitingHello.size() + adding > pendingHello ? ServerMetrics.PENDING_HELLO : null;
    }

    /** A count stays in the map while a connection holds it, so the one found is the one held. */
    private void uncount(String connectionId, Count count) {
        awaitingHello.remove(connectionId);
        byAddress.computeIfPresent(count.address, (key, current) -> current.add(-1).open == 0 ? null : current);
    }

    /**
     * The open connections from one address: one object per address, held by each of its connections, instead of an
     * entry per connection naming its address.
     */
    public static final class Count {

        private final String address;
        private volatile int open;

        private Count(String address) {
            this.address = address;
        }

        /** Called only inside the map's computations for {@link #address}, which serialize it. */
        private Count add(int change) {
            open += change;
            return this;
        }
    }
}

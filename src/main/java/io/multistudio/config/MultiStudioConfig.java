package io.multistudio.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every setting of the server. Each one is read from an environment variable named after its property
 * ({@code multistudio.reconnect-grace} is {@code MULTISTUDIO_RECONNECT_GRACE}).
 */
@ConfigMapping(prefix = "multistudio")
public interface MultiStudioConfig {

    /** HTTP and WebSocket port of the server. */
    @WithDefault("8080")
    int port();

    /**
     * Which engine holds sessions, rooms and history: {@code memory} keeps them in this process only, {@code infinispan}
     * in the Infinispan cluster named by {@link #infinispanHosts()}, and {@code auto} picks Infinispan when hosts are
     * configured and memory otherwise.
     */
    @WithDefault("auto")
    EngineKind engine();

    /**
     * Hot Rod address list of the Infinispan cluster ({@code host:port;host:port}). Unset means no Infinispan: the
     * {@code auto} engine then runs on memory.
     */
    Optional<String> infinispanHosts();

    /**
     * How long an engine operation may take before the store counts as unavailable: the request gets
     * {@code UNAV}/{@code STORE_UNAVAILABLE} and readiness goes down, instead of clients waiting on a store that is gone.
     * A room event missing on its way to a node holds back delivery there for this plus a second before it is skipped.
     */
    @WithDefault("3s")
    Duration storeTimeout();

    /** How long a new connection may take to send its {@code HELLO} before it is closed with 1008. */
    @WithDefault("5s")
    Duration helloTimeout();

    /** How long a session outlives an abnormal loss of its connection, waiting for the client to resume. */
    @WithDefault("120s")
    Duration reconnectGrace();

    /**
     * How often the server sends each connection a WebSocket ping (PROTOCOL.md §2.7). One timer per node sweeps every
     * connection. {@code 0} sends no pings and never times a connection out.
     */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /**
     * How long a connection from which nothing arrived (no pong, no frame) lives on: past it, it counts as lost
     * abnormally, is closed without a close handshake and its session goes into grace ({@code USER_AWAY}). Seen at
     * the next ping round, so a dead connection goes within this plus {@link #heartbeatInterval()}.
     */
    @WithDefault("45s")
    Duration heartbeatTimeout();

    /**
     * How often every node repairs what missed one-shot events leave behind (all nodes down at once, a listener that
     * failed over, a failed write): sessions still attached to nodes without a lease, or to a connection of this node
     * that is closed, go into grace ({@code USER_AWAY}), room members whose session is gone leave their room (the
     * last one out deletes it), and the stored seq heads and {@code LIST_ROOMS} index entries of rooms that are gone
     * are removed. Safe on every node at once: each repair is an update only one node can win, or a removal. {@code 0}
     * turns it off.
     */
    @WithDefault("60s")
    Duration repairInterval();

    /** Open WebSocket connections this node accepts; the next one gets {@code FULL}/{@code SERVER_FULL}. */
    @WithDefault("10000")
    int maxConnections();

    /**
     * Open connections from one client address; the next is refused (HTTP 503 at the upgrade), so that one host
     * cannot hold every slot of {@link #maxConnections()}. Generous because many users may share an address behind a
     * NAT (an office, a mobile carrier); the address is the peer's, or the forwarded client's when the peer is a
     * trusted proxy ({@code quarkus.http.proxy.*}).
     */
    @WithDefault("256")
    int maxConnectionsPerAddress();

    /**
     * Open connections that have not yet said {@code HELLO}; the next is refused (HTTP 503 at the upgrade). An honest
     * client says {@code HELLO} within a round trip, so this only binds connections that are opened and left idle.
     */
    @WithDefault("1000")
    int maxPendingHello();

    /** Largest accepted text frame in bytes; a larger one gets {@code BADR}/{@code MESSAGE_TOO_LARGE} and 1009. */
    @WithDefault("65536")
    int maxMessageSize();

    /**
     * Bytes (UTF-8) a connection may have waiting to be sent before the server treats it as a slow consumer and
     * cuts it off with 1013, so one stalled client never grows the server's memory.
     */
    @WithDefault("1048576")
    int outboundBuffer();

    /**
     * Bytes all connections together may have waiting to be sent; past it, the connections with the most unsent
     * bytes are cut off as slow consumers (1013) until the rest fits, so that a node that falls behind (a load that
     * arrives before the JIT, say) sheds instead of filling its heap. Unset: a quarter of the maximum heap.
     */
    OptionalLong outboundBudget();

    /** Messages per second a connection may send on average; more are answered {@code SLOW}/{@code RATE_LIMITED}. */
    @WithDefault("50")
    int rateLimit();

    /** Messages a connection may send at once above the average rate, after a quiet spell. */
    @WithDefault("100")
    int rateBurst();

    /** Rate-limited messages within {@link #abuseWindow()} past which the connection is closed with 1008. */
    @WithDefault("1000")
    int abuseLimit();

    /** The window over which {@link #abuseLimit()} counts rate-limited messages. */
    @WithDefault("10s")
    Duration abuseWindow();

    /**
     * Origins allowed to open a WebSocket ({@code https://app.example.com}, comma separated); an upgrade from any
     * other {@code Origin} gets HTTP 403. Unset allows every origin. A client that sends no {@code Origin} at all (an
     * app, a bot, a backend: not a browser) is let in either way, unless {@link #requireOrigin()} is set.
     */
    Optional<List<String>> allowedOrigins();

    /** Refuse (HTTP 403) an upgrade that carries no {@code Origin} header, i.e. every client that is not a browser. */
    @WithDefault("false")
    boolean requireOrigin();

    /** Largest capacity a room may be created or updated with. */
    @WithDefault("1000")
    int maxRoomCapacity();

    /**
     * Room events kept per room for replay on resume. A client that missed more (or missed events older than the
     * reconnect grace) resumes with {@code recovered: false}.
     */
    @WithDefault("1000")
    int roomHistory();

    /**
     * Bytes of room events kept per room for replay, besides {@link #roomHistory()}: past it the oldest events are
     * removed within a second, and a client that missed one of them resumes with {@code recovered: false}, as past
     * the count.
     */
    @WithDefault("1048576")
    int roomHistoryBytes();

    /**
     * Room events each node keeps per room after delivering them to the room's members there, so that a join's or a
     * resume's catch-up on that node needs no history read: also bounded by 256 KiB of text and by
     * {@link #roomHistory()} and {@link #roomHistoryBytes()}; none is used once 3 seconds old, and a quiet room's are
     * dropped within 4; 0 always reads the history.
     */
    @WithDefault("256")
    int recentEvents();

    /** Writes console logs as JSON lines, for log collectors. */
    @WithDefault("false")
    boolean jsonLogs();

    /** Who may connect, and who may operate the server. */
    Auth auth();

    /** The events the application's backend receives as webhooks (docs/backend.md). */
    Webhook webhook();

    /** The application's backend authorizes creating and joining rooms (docs/backend.md). */
    Authorize authorize();

    /**
     * Webhooks: each event is written to an outbox in the engine, then POSTed by one node, retried until a 2xx answer
     * or until {@link #retryFor()} has passed; a node that dies leaves its events to the others.
     */
    interface Webhook {

        /** Where events are POSTed. Unset: no webhooks, and nothing is written to the outbox. */
        Optional<String> url();

        /** The HMAC-SHA256 key of the {@code X-MultiStudio-Signature} header; required with {@link #url()}. */
        Optional<String> secret();

        /** The event types sent, comma separated; the others are not even recorded. */
        @WithDefault("room.created,room.deleted,user.joined,user.left,session.started,session.ended")
        List<String> events();

        /** How long an event that is not answered with 2xx is retried before it is dropped and counted failed. */
        @WithDefault("1h")
        Duration retryFor();

        /** The wait before the first retry; each further one waits twice as long, up to {@link #retryMaxDelay()}. */
        @WithDefault("1s")
        Duration retryDelay();

        /** The longest wait between two attempts. */
        @WithDefault("1m")
        Duration retryMaxDelay();

        /** How long one POST may take before it counts as failed. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * Events the outbox holds at most; past it, the oldest are dropped and counted failed, so that a receiver
         * that stays down costs bounded memory.
         */
        @WithDefault("10000")
        int maxPending();
    }

    /** The authorization hook, asked before {@code CREATE_ROOM} and {@code JOIN_ROOM}. */
    interface Authorize {

        /** Where the server POSTs each request to authorize. Unset: no hook, every request goes through. */
        Optional<String> url();

        /** How long the hook may take to answer; after that the request gets {@code UNAV}/{@code HOOK_UNAVAILABLE}. */
        @WithDefault("2s")
        Duration timeout();
    }

    /**
     * Authentication. The JWT verification itself (key, issuer, audience) is SmallRye JWT's: set
     * {@code MP_JWT_VERIFY_PUBLICKEY_LOCATION} (a PEM key or a JWKS URL), {@code MP_JWT_VERIFY_ISSUER} and
     * {@code MP_JWT_VERIFY_AUDIENCES}.
     */
    interface Auth {

        /**
         * Whether {@code HELLO} must carry a valid JWT in {@code auth}; the user id then derives from its {@code sub}
         * and a resume needs the same subject.
         */
        @WithDefault("false")
        boolean enabled();

        /** The claim that gives a user's default name when its {@code HELLO} names none. */
        @WithDefault("name")
        String nameClaim();

        /**
         * A bearer token that grants access to the operator API at {@code /api}. Without it or
         * {@link #adminRole()}, the operator API answers nobody.
         */
        Optional<String> adminToken();

        /** A role (in the JWT {@code groups} claim) that grants access to the operator API, with authentication on. */
        Optional<String> adminRole();
    }

    /** Where the engines keep their state. */
    enum EngineKind {
        AUTO,
        MEMORY,
        INFINISPAN
    }
}

package io.multistudio.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The benchmark's baseline: a room server written directly on Vert.x, as close to what the JVM and Netty can do as a
 * room server gets. One event loop owns all state (no locks, no reactive streams, no CDI), an event is serialized and
 * UTF-8 encoded once and the same bytes go to every member, and nothing is persisted beyond an in-memory history.
 * <p>
 * It speaks the subset of the MultiStudio protocol the benchmark uses, with the same message shapes: {@code HELLO}
 * (including resume with {@code reconnect_token} and {@code last_seq}, replaying the missed events of its room),
 * {@code CREATE_ROOM}, {@code JOIN_ROOM}, {@code LEAVE_ROOM}, {@code SEND} (broadcast, the sender's copy with its
 * {@code rid}), {@code PING} and {@code BYE}. Every room event has a seq and is kept in a bounded history (1,000
 * events per room, like the application's default). A close with 1000 ends the session; any other loss keeps it for a
 * resume (without expiry: the benchmark is bounded). A member with more than 1 MiB unsent is cut off with 1013.
 * Errors are answered but not validated as thoroughly as the protocol asks: this is a baseline, not a server.
 * <p>
 * Run: {@code java -cp <test class path> io.multistudio.bench.RawVertxRoomServer <port>}; {@code GET /health} answers
 * 200 once it listens, on 127.0.0.1 only.
 */
public final class RawVertxRoomServer {

    private static final int HISTORY = 1000;
    private static final int OUTBOUND_LIMIT = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Session> byToken = new HashMap<>();
    private final Map<String, Room> rooms = new HashMap<>();
    private long nextUser;

    public static void main(String[] args) {
        // The test class path carries SLF4J bound to JBoss LogManager, which, never configured here, has every level
        // enabled: Netty would build a TRACE record for every frame it encodes. Netty and Vert.x log through the JDK.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.JULLogDelegateFactory");
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        RawVertxRoomServer server = new RawVertxRoomServer();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                        .setMaxWebSocketFrameSize(65536).setMaxWebSocketMessageSize(65536))
                .webSocketHandler(ws -> {
                    if (!"/ws".equals(ws.path())) {
                        ws.reject(404);
                        return;
                    }
                    server.opened(ws);
                })
                .requestHandler(request -> request.response().setStatusCode("/health".equals(request.path()) ? 200 : 404)
                        .end())
                .listen()
                .onSuccess(listening -> System.out.println("RawVertxRoomServer listening on 127.0.0.1:" + port))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    private void opened(ServerWebSocket ws) {
        Client client = new Client(ws);
        ws.setWriteQueueMaxSize(OUTBOUND_LIMIT);
        ws.handler(frame -> received(client, frame));
        ws.closeHandler(ignored -> closed(client, ws.closeStatusCode()));
        ws.exceptionHandler(ignored -> {
        });
    }

    private void received(Client client, Buffer frame) {
        JsonObject request;
        try {
            request = new JsonObject(frame);
        } catch (RuntimeException e) {
            client.send(error("BADR", "MALFORMED_JSON", null));
            return;
        }
        String rid = request.getValue("rid") instanceof String s ? s : null;
        String kind = request.getValue("kind") instanceof String s ? s : null;
        if (kind == null) {
            client.send(error("BADR", "KIND_MISSING", rid));
            return;
        }
        Session session = client.session;
        if (session == null && !"HELLO".equals(kind)) {
            client.send(error("STAT", "HELLO_REQUIRED", rid));
            return;
        }
        switch (kind) {
            case "HELLO" -> hello(client, request, rid);
            case "CREATE_ROOM" -> create(client, request, rid);
            case "JOIN_ROOM" -> join(client, request, rid);
            case "LEAVE_ROOM" -> {
                if (session.room == null) {
                    client.send(error("STAT", "NOT_IN_ROOM", rid));
                } else {
                    Room room = session.room;
                    leave(session, "left", client, rid);
                    client.send(answer("LEFT_ROOM", rid).put("room", room.id)
                            .put("reason", "left").encode());
                }
            }
            case "SEND" -> send(client, request, rid);
            case "PING" -> client.send(answer("PONG", rid)
                    .put("ts", System.currentTimeMillis()).encode());
            case "BYE" -> {
                end(session, client);
                client.ws.writeTextMessage(answer("BYE", rid).encode());
                client.ws.close((short) 1000);
            }
            default -> client.send(error("BADR", "KIND_UNKNOWN", rid));
        }
    }

    private void hello(Client client, JsonObject request, String rid) {
        if (client.session != null) {
            client.send(error("STAT", "HELLO_ALREADY_DONE", rid));
            return;
        }
        Session session = request.getValue("reconnect_token") instanceof String token ? byToken.remove(token) : null;
        boolean reconnected = session != null;
        if (reconnected) {
            if (session.client != null) {
                Client previous = session.client;
                previous.session = null;
                previous.send(error("DENY", "SESSION_TAKEN_OVER", null));
                previous.ws.close((short) 4000);
            }
        } else {
            String name = request.getValue("name") instanceof String n ? n : "guest";
            session = new Session("u_" + (++nextUser), name);
        }
        session.client = client;
        client.session = session;
        session.token = session.id + "." + token();
        byToken.put(session.token, session);
        client.send(answer("HELLO", rid).put("user", session.user())
                .put("reconnected", reconnected).put("reconnect_token", session.token).encode());
        if (reconnected && session.room != null) {
            Room room = session.room;
            long lastSeq = request.getValue("last_seq") instanceof Number n ? n.longValue() : session.lastSeq;
            boolean recovered = room.history.isEmpty() || room.history.peekFirst().seq <= lastSeq + 1;
            client.send(joined(room, rid, true, recovered));
            for (Event event : room.history) {
                if (event.seq > lastSeq && event.visibleTo(session.id)) {
                    client.sendFrame(event);
                    session.lastSeq = event.seq;
                }
            }
            publish(room, "USER_BACK", session.id, "{\"kind\":\"USER_BACK\",\"room\":" + Json.encode(room.id)
                    + ",\"seq\":" + (room.seq + 1) + ",\"user_id\":" + Json.encode(session.id) + "}", null, null);
        }
    }

    private void create(Client client, JsonObject request, String rid) {
        Session session = client.session;
        if (session.room != null) {
            client.send(error("STAT", "ALREADY_IN_ROOM", rid));
            return;
        }
        String id = request.getValue("room") instanceof String r ? r : "r" + token();
        if (rooms.containsKey(id)) {
            client.send(error("CONF", "ROOM_EXISTS", rid));
            return;
        }
        int capacity = request.getValue("capacity") instanceof Number n ? n.intValue() : 16;
        Room room = new Room(id, capacity, session.id);
        rooms.put(id, room);
        room.members.add(session);
        session.room = room;
        session.lastSeq = room.seq;
        client.send(joined(room, rid, false, false));
    }

    private void join(Client client, JsonObject request, String rid) {
        Session session = client.session;
        if (session.room != null) {
            client.send(error("STAT", "ALREADY_IN_ROOM", rid));
            return;
        }
        Room room = request.getValue("room") instanceof String r ? rooms.get(r) : null;
        if (room == null) {
            client.send(error("NFND", "ROOM_NOT_FOUND", rid));
            return;
        }
        if (room.members.size() >= room.capacity) {
            client.send(error("FULL", "ROOM_FULL", rid));
            return;
        }
        long seq = room.seq + 1;
        publish(room, "USER_JOINED", session.id, "{\"kind\":\"USER_JOINED\",\"room\":" + Json.encode(room.id)
                + ",\"seq\":" + seq + ",\"user\":" + session.member(true).encode() + "}", null, null);
        room.members.add(session);
        session.room = room;
        session.lastSeq = room.seq;
        client.send(joined(room, rid, false, false));
    }

    private void send(Client client, JsonObject request, String rid) {
        Session session = client.session;
        Room room = session.room;
        if (room == null) {
            client.send(error("STAT", "NOT_IN_ROOM", rid));
            return;
        }
        String text = "{\"kind\":\"MESSAGE\",\"room\":" + Json.encode(room.id) + ",\"seq\":" + (room.seq + 1)
                + ",\"from\":" + Json.encode(session.id) + ",\"data\":" + Json.encode(request.getValue("data")) + "}";
        publish(room, "MESSAGE", null, text, client, rid);
    }

    /** Commits an event with the room's next seq and sends it to every connected member it is visible to. */
    private void publish(Room room, String type, String subject, String text, Client origin, String rid) {
        room.seq++;
        Event event = new Event(room.seq, type, subject, text,
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))));
        room.history.addLast(event);
        if (room.history.size() > HISTORY) {
            room.history.removeFirst();
        }
        for (Session member : room.members) {
            Client client = member.client;
            if (client == null || !event.visibleTo(member.id)) {
                continue;
            }
            member.lastSeq = event.seq;
            if (client == origin && rid != null) {
                client.send("{\"kind\":\"" + type + "\",\"rid\":" + Json.encode(rid) + text.substring(text.indexOf(',')));
            } else {
                client.sendFrame(event);
            }
        }
    }

    private void leave(Session session, String reason, Client origin, String rid) {
        Room room = session.room;
        room.members.remove(session);
        session.room = null;
        if (room.members.isEmpty()) {
            rooms.remove(room.id);
            return;
        }
        publish(room, "USER_LEFT", session.id, "{\"kind\":\"USER_LEFT\",\"room\":" + Json.encode(room.id)
                + ",\"seq\":" + (room.seq + 1) + ",\"user_id\":" + Json.encode(session.id) + ",\"reason\":\""
                + reason + "\"}", origin, rid);
    }

    private void end(Session session, Client client) {
        if (session.room != null) {
            leave(session, "left", null, null);
        }
        byToken.remove(session.token);
        session.client = null;
        client.session = null;
    }

    private void closed(Client client, Short code) {
        Session session = client.session;
        if (session == null) {
            return;
        }
        if (code != null && code == 1000) {
            end(session, client);
            return;
        }
        session.client = null;
        client.session = null;
        if (session.room != null) {
            Room room = session.room;
            publish(room, "USER_AWAY", session.id, "{\"kind\":\"USER_AWAY\",\"room\":" + Json.encode(room.id)
                    + ",\"seq\":" + (room.seq + 1) + ",\"user_id\":" + Json.encode(session.id) + "}", null, null);
        }
    }

    private String joined(Room room, String rid, boolean resumed, boolean recovered) {
        JsonArray members = new JsonArray();
        room.members.forEach(member -> members.add(member.member(member.client != null)));
        JsonObject view = new JsonObject().put("id", room.id).put("name", room.id).put("owner", room.owner)
                .put("capacity", room.capacity).put("listed", true).put("has_password", false)
                .put("data", new JsonObject()).put("member_count", room.members.size())
                .put("created_at", room.createdAt);
        return answer("JOINED_ROOM", rid).put("room", view).put("members", members).put("seq", room.seq).put("resumed", resumed)
                .put("recovered", recovered).encode();
    }

    private static String error(String code, String why, String rid) {
        return answer(code, rid).put("why", why).encode();
    }

    /** A message with its kind first and the request's rid, if it had one. */
    private static JsonObject answer(String kind, String rid) {
        JsonObject answer = new JsonObject().put("kind", kind);
        return rid == null ? answer : answer.put("rid", rid);
    }

    private static String token() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static final class Client {
        final ServerWebSocket ws;
        Session session;

        Client(ServerWebSocket ws) {
            this.ws = ws;
        }

        void send(String text) {
            if (cutIfSlow()) {
                return;
            }
            ws.writeTextMessage(text);
        }

        /** The event's bytes, encoded once for all recipients. */
        void sendFrame(Event event) {
            if (cutIfSlow()) {
                return;
            }
            ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, event.bytes.duplicate(), true));
        }

        private boolean cutIfSlow() {
            if (ws.isClosed()) {
                return true;
            }
            if (ws.writeQueueFull()) {
                ws.close((short) 1013);
                return true;
            }
            return false;
        }
    }

    private static final class Session {
        final String id;
        final String name;
        String token;
        Client client;
        Room room;
        long lastSeq;

        Session(String id, String name) {
            this.id = id;
            this.name = name;
        }

        JsonObject user() {
            return new JsonObject().put("id", id).put("name", name).put("data", new JsonObject());
        }

        JsonObject member(boolean connected) {
            return user().put("connected", connected);
        }
    }

    private static final class Room {
        final String id;
        final int capacity;
        final String owner;
        final long createdAt = System.currentTimeMillis();
        final List<Session> members = new ArrayList<>();
        final ArrayDeque<Event> history = new ArrayDeque<>();
        long seq;

        Room(String id, int capacity, String owner) {
            this.id = id;
            this.capacity = capacity;
            this.owner = owner;
        }
    }

    private record Event(long seq, String type, String subject, String text, ByteBuf bytes) {
        boolean visibleTo(String userId) {
            boolean aboutOwnPresence = "USER_JOINED".equals(type) || "USER_AWAY".equals(type)
                    || "USER_BACK".equals(type);
            return !(aboutOwnPresence && userId.equals(subject));
        }
    }
}

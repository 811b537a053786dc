package io.multistudio.client;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * A client for the MultiStudio Protocol v1.1 (docs/client-java.md). Requests are {@link Uni}s of their direct
 * answer; room events, every message and the connection state are {@link Multi}s. After an abnormal loss it
 * reconnects with backoff, resumes the session, resends the requests that were in flight with their keys, and
 * delivers every room event once.
 * <p>
 * A request is sent when its method is called, not when the {@code Uni} is subscribed to; the {@code Uni} settles
 * exactly once and every subscriber sees that outcome. Callbacks (Uni outcomes, Multi items) run on the client's
 * own thread, one at a time and in the order the server sent: never block them.
 */
public final class MultiStudioClient implements AutoCloseable {

    private final ClientOptions options;
    private final MessageCodec codec = new MessageCodec();
    private final Session session;

    public MultiStudioClient(ClientOptions options) {
        this.options = options;
        Backoff backoff = new Backoff(options.initialDelay(), options.maxDelay(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.session = new Session(options, new ClientThread(), codec, backoff);
    }

    /** Connects and says HELLO; settles with the first HELLO answer (retrying while the server is unreachable). */
    public Uni<ServerMessage.Hello> connect() {
        return settle(session.connect(), ServerMessage.Hello.class);
    }

    /**
     * Opens a connection without saying HELLO, for a program that sends its own with {@link #sendText} (a tool, a
     * conformance test); settles once the connection is open. The client takes the session from the HELLO answer
     * that follows as if it had asked: {@link #user()}, the state and a later resume work as after
     * {@link #connect()}.
     */
    public Uni<Void> open() {
        return Uni.createFrom().completionStage(session.openWithoutHello());
    }

    public ConnectionState state() {
        return session.state();
    }

    /**
     * The close code the last connection ended with (1006 when it ended without a close frame, 1000 when the client
     * closed it), or null while the current one has not ended.
     */
    public Integer closeCode() {
        return session.closeCode;
    }

    /** The endpoint of the current connection, or of the next one while the client reconnects: the node it is on. */
    public URI endpoint() {
        return session.endpoint();
    }

    /** Every change of {@link #state()}, from the moment of subscription. */
    public Multi<ConnectionState> states() {
        return session.states;
    }

    /** Every reconnect the client schedules, with its delay: a UI can show "reconnecting in 3 s". */
    public Multi<Retry> retries() {
        return session.retries;
    }

    /** The user of the current session (updated by its own USER_UPDATED), null before the first HELLO answer. */
    public ServerMessage.User user() {
        return session.inbound.user();
    }

    /** Room events, each once and in seq order per room, including those replayed after a resume. */
    public Multi<RoomEvent> events() {
        return session.inbound.messages.filter(RoomEvent.class::isInstance).map(RoomEvent.class::cast);
    }

    /**
     * Every message the server sent, decoded, except replayed room events already delivered: answers, events,
     * errors (as {@link ServerMessage.Error}, also those that answer no request, e.g. {@code SESSION_TAKEN_OVER}).
     */
    public Multi<ServerMessage> messages() {
        return session.inbound.messages;
    }

    /** Every text frame as received, duplicates included: for tools and tests that check the exact JSON. */
    public Multi<String> frames() {
        return session.inbound.frames;
    }

    public Uni<ServerMessage.JoinedRoom> createRoom(RoomSettings settings) {
        return request("CREATE_ROOM", settings.fields(), ServerMessage.JoinedRoom.class);
    }

    public Uni<ServerMessage.JoinedRoom> createRoom(String room) {
        return createRoom(RoomSettings.create().room(room));
    }

    public Uni<ServerMessage.JoinedRoom> joinRoom(String room) {
        return joinRoom(room, null, 0);
    }

    /**
     * Joins {@code room} with {@code password} (or null); with {@code history} above 0 the server sends up to that
     * many earlier events right after JOINED_ROOM (§2.7b), which {@link #events()} delivers before the live ones.
     */
    public Uni<ServerMessage.JoinedRoom> joinRoom(String room, String password, int history) {
        ObjectNode fields = codec.fields().put("room", room);
        if (password != null) {
            fields.put("password", password);
        }
        if (history > 0) {
            fields.put("history", history);
        }
        return request("JOIN_ROOM", fields, ServerMessage.JoinedRoom.class);
    }

    public Uni<ServerMessage.LeftRoom> leaveRoom() {
        return request("LEAVE_ROOM", codec.fields(), ServerMessage.LeftRoom.class);
    }

    /** The listed rooms, oldest first, up to the server's default (50). */
    public Uni<ServerMessage.RoomList> listRooms() {
        return request("LIST_ROOMS", codec.fields(), ServerMessage.RoomList.class);
    }

    public Uni<ServerMessage.RoomList> listRooms(int limit) {
        return request("LIST_ROOMS", codec.fields().put("limit", limit), ServerMessage.RoomList.class);
    }

    /** Owner only: the settings to change ({@link RoomSettings#password} null removes the password). */
    public Uni<RoomEvent.RoomUpdated> updateRoom(RoomSettings changes) {
        return request("UPDATE_ROOM", changes.fields(), RoomEvent.RoomUpdated.class);
    }

    /** Owner only: settles with the USER_LEFT (reason {@code kicked}) of {@code userId}. */
    public Uni<RoomEvent.UserLeft> kick(String userId) {
        return request("KICK", codec.fields().put("user", userId), RoomEvent.UserLeft.class);
    }

    /** Sends {@code data} (anything Jackson can write) to the room; settles with the sender's own MESSAGE. */
    public Uni<RoomEvent.Message> send(Object data) {
        return request("SEND", codec.fields().set("data", codec.tree(data)), RoomEvent.Message.class);
    }

    /** Sends {@code data} to {@code userId} only; the sender gets its copy too. */
    public Uni<RoomEvent.Message> sendTo(String userId, Object data) {
        ObjectNode fields = codec.fields().put("to", userId);
        fields.set("data", codec.tree(data));
        return request("SEND", fields, RoomEvent.Message.class);
    }

    /** A JSON Merge Patch on the user's data. */
    public Uni<RoomEvent.UserUpdated> setUserData(Object patch) {
        return request("SET_USER_DATA", codec.fields().set("data", codec.tree(patch)),
                RoomEvent.UserUpdated.class);
    }

    /** A JSON Merge Patch on the room's data: a null value removes a key. */
    public Uni<RoomEvent.RoomUpdated> setRoomData(Object patch) {
        return request("SET_ROOM_DATA", codec.fields().set("data", codec.tree(patch)),
                RoomEvent.RoomUpdated.class);
    }

    public Uni<ServerMessage.Pong> ping() {
        return request("PING", codec.fields(), ServerMessage.Pong.class);
    }

    /** Up to {@code limit} (1–100) of the room's events with a seq below {@code before}, oldest first (§2.7b). */
    public Uni<ServerMessage.History> history(long before, int limit) {
        ObjectNode fields = codec.fields().put("before", before).put("limit", limit);
        return request("HISTORY", fields, ServerMessage.History.class);
    }

    /** The room's latest events, up to the server's default page (50). */
    public Uni<ServerMessage.History> history() {
        return request("HISTORY", codec.fields(), ServerMessage.History.class);
    }

    /**
     * Any request: {@code fields} is the whole message (with its {@code kind}); the client adds {@code rid} and,
     * except for HELLO and BYE, {@code key}. Settles with the direct answer, whatever its type.
     */
    public Uni<ServerMessage> request(ObjectNode fields) {
        return request(fields.path("kind").asText(), fields, ServerMessage.class);
    }

    /**
     * Sends {@code text} as one text frame exactly as given on the open connection: no rid or key is added and
     * nothing awaits an answer; whatever the server sends back arrives on {@link #frames()} and {@link #messages()}.
     * For tools and conformance tests that must choose every byte of a request. Fails if no connection is open.
     */
    public Uni<Void> sendText(String text) {
        return Uni.createFrom().completionStage(session.sendFrame(connection -> connection.send(text)));
    }

    /**
     * Sends {@code bytes} as one binary frame on the open connection. The protocol has no binary frames (the server
     * answers {@code BADR}/{@code BINARY_FRAME}): for conformance tests of a server. Fails if no connection is open.
     */
    public Uni<Void> sendBinary(byte[] bytes) {
        return Uni.createFrom().completionStage(session.sendFrame(connection -> connection.sendBinary(bytes)));
    }

    /**
     * Closes the connection with {@code code} and no BYE, and does not reconnect; settles once the server answered
     * the close. 1000 ends the session as BYE would; another code (1001 going away) leaves it resumable within the
     * server's grace, by another client holding its reconnect token.
     */
    public Uni<Void> disconnect(int code) {
        return Uni.createFrom().completionStage(session.disconnect(code));
    }

    /** Ends the session for good with BYE (the user leaves its room); settles once the client is closed. */
    public Uni<Void> bye() {
        return Uni.createFrom().emitter(emitter -> session.bye().whenComplete((done, failure) -> emitter.complete(null)));
    }

    /**
     * Drops the connection without a close frame, as a network failure would: the client then resumes. For tests,
     * and for applications that know the network changed before the socket does.
     */
    public void dropConnection() {
        session.drop();
    }

    /** {@link #bye()}, waiting up to the request timeout. Blocks: never call it from one of the client's callbacks. */
    @Override
    public void close() {
        bye().await().atMost(options.requestTimeout().multipliedBy(2));
    }

    private <T extends ServerMessage> Uni<T> request(String kind, ObjectNode fields, Class<T> answer) {
        ObjectNode message = codec.request(kind);
        message.setAll(fields);
        return settle(session.request(kind, message), answer);
    }

    /** The outcome of {@code pending} as a Uni: cancelling a subscription does not cancel the request. */
    private static <T extends ServerMessage> Uni<T> settle(CompletableFuture<? extends ServerMessage> pending,
            Class<T> type) {
        return Uni.createFrom().emitter(emitter -> pending.whenComplete((answer, failure) -> {
            if (failure != null) {
                emitter.fail(failure);
            } else if (type.isInstance(answer)) {
                emitter.complete(type.cast(answer));
            } else {
                emitter.fail(new IllegalStateException("expected " + type.getSimpleName() + ", got " + answer));
            }
        }));
    }
}

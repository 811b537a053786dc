package io.multistudio.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;

/** A protocol client that said {@code HELLO}, with the user id the server gave it. */
final class Player implements AutoCloseable {

    private final Wire client;
    private final String id;
    private final String auth;
    private final String reconnectToken;
    private final boolean reconnected;

    private Player(Wire client, String auth, JsonNode hello) {
        this.client = client;
        this.id = hello.path("user").path("id").asText();
        this.auth = auth;
        this.reconnectToken = hello.path("reconnect_token").asText();
        this.reconnected = hello.path("reconnected").asBoolean();
    }

    /** Connects and says {@code HELLO} as {@code name}, presenting {@code auth} unless it is {@code null}. */
    static Player hello(URI uri, String name, String auth) {
        return open(uri, "\"name\":" + Wire.quote(name), auth);
    }

    /** Resumes this player's session on a new connection, as a client that lost its connection would. */
    Player resume(URI uri) {
        Player resumed = open(uri, "\"reconnect_token\":" + Wire.quote(reconnectToken), auth);
        assertThat(resumed.reconnected).as("reconnected").isTrue();
        assertThat(resumed.id).isEqualTo(id);
        return resumed;
    }

    private static Player open(URI uri, String fields, String auth) {
        Wire client = Wire.connect(uri);
        JsonNode hello = client.request("{\"kind\":\"HELLO\"," + fields
                + (auth == null ? "" : ",\"auth\":" + Wire.quote(auth)) + "}");
        assertThat(hello.path("kind").asText()).as("answer to HELLO: %s", hello).isEqualTo("HELLO");
        return new Player(client, auth, hello);
    }

    String id() {
        return id;
    }

    JsonNode request(String text) {
        return client.request(text);
    }

    JsonNode next() {
        return client.next();
    }

    List<JsonNode> next(int count) {
        return client.next(count);
    }

    void drop() {
        client.drop();
    }

    /** Leaves for good, so the session does not linger in its grace. */
    void bye() {
        client.close(1000);
    }

    @Override
    public void close() {
        client.close();
    }
}

package io.multistudio.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fields of {@code CREATE_ROOM} or {@code UPDATE_ROOM}, only those set: each method returns a new instance.
 * <pre>{@code RoomSettings.create().room("lobby").name("Lobby").capacity(8)}</pre>
 */
public final class RoomSettings {

    private final ObjectNode fields;

    private RoomSettings(ObjectNode fields) {
        this.fields = fields;
    }

    public static RoomSettings create() {
        return new RoomSettings(JsonNodeFactory.instance.objectNode());
    }

    /** The room id, {@code [A-Za-z0-9_-]{1,64}}; for {@code CREATE_ROOM} only (generated when absent). */
    public RoomSettings room(String id) {
        return with("room", JsonNodeFactory.instance.textNode(id));
    }

    public RoomSettings name(String name) {
        return with("name", JsonNodeFactory.instance.textNode(name));
    }

    public RoomSettings capacity(int capacity) {
        return with("capacity", JsonNodeFactory.instance.numberNode(capacity));
    }

    /** A password; in {@code UPDATE_ROOM}, null removes it. */
    public RoomSettings password(String password) {
        return with("password", JsonNodeFactory.instance.textNode(password));
    }

    public RoomSettings listed(boolean listed) {
        return with("listed", JsonNodeFactory.instance.booleanNode(listed));
    }

    /** The room's initial data, a JSON object; for {@code CREATE_ROOM} only (use setRoomData to change it). */
    public RoomSettings data(JsonNode data) {
        return with("data", data);
    }

    /** A copy of the fields set, for a request. */
    ObjectNode fields() {
        return fields.deepCopy();
    }

    private RoomSettings with(String field, JsonNode value) {
        ObjectNode copy = fields.deepCopy();
        copy.set(field, value == null ? JsonNodeFactory.instance.nullNode() : value);
        return new RoomSettings(copy);
    }
}

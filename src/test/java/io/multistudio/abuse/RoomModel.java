package io.multistudio.abuse;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** A room as the fuzz test's model knows it. */
final class RoomModel {
    String id;
    String name;
    String owner;
    int capacity;
    boolean listed;
    String password;
    JsonNode data;
    long createdAt;
    final List<String> members = new ArrayList<>();
}


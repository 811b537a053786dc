package io.multistudio.abuse;

import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;

/** One client of the test with its session as the model knows it. */
final class Actor {
    final int index;
    Wire ws;
    boolean hello;
    String userId;
    String name;
    JsonNode data;
    String token;
    String room;
    long lastSeq;
    final Deque<Event> expected = new ArrayDeque<>();

    Actor(int index, Wire ws) {
        this.index = index;
        this.ws = ws;
    }

    void fresh(Wire connection) {
        ws = connection;
        hello = false;
        userId = null;
        name = null;
        data = null;
        token = null;
        room = null;
        lastSeq = 0;
        expected.clear();
    }

    @Override
    public String toString() {
        return "actor " + index + (hello ? " (" + userId + (room == null ? ", no room" : ", in " + room) + ")"
                : " (before HELLO)");
    }
}

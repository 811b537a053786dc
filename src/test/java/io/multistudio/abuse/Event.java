package io.multistudio.abuse;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/** A room event an actor must receive, checked when it arrives. */
record Event(String description, Function<JsonNode, String> check) {
}

package io.multistudio.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What {@code GET /monitor/stats} answers: this node's connections, rooms and traffic. */
public record Stats(
        int connections,
        int rooms,
        @JsonProperty("messages_in_per_second") double messagesInPerSecond,
        @JsonProperty("messages_out_per_second") double messagesOutPerSecond,
        @JsonProperty("messages_in_total") long messagesInTotal,
        @JsonProperty("messages_out_total") long messagesOutTotal) {
}

package io.multistudio.cluster;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one {@link ResumingClient} received, from its client's raw frames (before the client's deduplication, so that
 * an event the server sent twice is recorded twice), and how its connections went. The one repeat that is not a
 * delivery is the remembered answer to a {@code SEND} resent with its key after a loss (§2.7a): it carries a rid and a
 * seq already received, and is counted apart. Thread-safe: frames arrive on the client's thread.
 */
final class MemberLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A room event as this member received it; {@code connection} counts the member's HELLO answers, {@code send}
     * which send of message {@code msgId} it is (each send has its own key).
     */
    record Received(long seq, String kind, String from, String msgId, int send, String to, String subject,
            String reason, int connection, long at) {

        /** What every member must agree on for this seq. */
        String signature() {
            return kind + "|" + from + "|" + msgId + "#" + send + "|" + to + "|" + subject + "|" + reason;
        }
    }

    private final List<Received> received = new ArrayList<>();
    private final Set<Long> seqs = new HashSet<>();
    private final List<Integer> closeCodes = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> resumeLog = new ArrayList<>();
    private String room;
    private long lastSeq;
    private JsonNode lastHello;
    private int connections;
    private int resumes;
    private int failedResumes;
    private int unrecoveredResumes;
    private int storeUnavailable;
    private int rememberedAnswers;

    /** A text frame the member's client received while connected to {@code port}. */
    synchronized void frame(String text, int port) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            errors.add("NOT JSON: " + text);
            return;
        }
        String kind = message.path("kind").asText();
        if (message.has("why")) {
            errors.add(message.toString());
            storeUnavailable += "STORE_UNAVAILABLE".equals(message.path("why").asText()) ? 1 : 0;
        } else if ("HELLO".equals(kind)) {
            lastHello = message;
            if (connections++ > 0 || message.path("reconnected").asBoolean()) {
                resumes++;
                resumeLog.add(clock(millis()) + " HELLO answered via " + port + ": " + message);
                if (!message.path("reconnected").asBoolean()) {
                    failedResumes++;
                    room = null;
                }
            }
        } else if ("JOINED_ROOM".equals(kind)) {
            if (message.path("resumed").asBoolean() && !message.path("recovered").asBoolean()) {
                unrecoveredResumes++;
            }
        } else if (message.has("seq") && message.has("room")) {
            event(message);
        }
        if ("LEFT_ROOM".equals(kind)) {
            room = null;
        }
    }

    private void event(JsonNode message) {
        long seq = message.path("seq").asLong();
        if (message.has("rid") && seqs.contains(seq)) {
            rememberedAnswers++;
            return;
        }
        seqs.add(seq);
        String kind = message.path("kind").asText();
        String msgId = "MESSAGE".equals(kind) ? message.path("data").path("id").asText(null) : null;
        String subject = message.has("user_id") ? message.path("user_id").asText()
                : message.path("user").path("id").asText(null);
        received.add(new Received(seq, kind, message.path("from").asText(null), msgId,
                message.path("data").path("send").asInt(), message.path("to").asText(null), subject, message.path("reason").asText(null), connections, millis()));
        lastSeq = Math.max(lastSeq, seq);
    }

    /** The member is in {@code roomId} (its JOINED_ROOM answered), at {@code seq}. */
    synchronized void entered(String roomId, long seq) {
        room = roomId;
        lastSeq = Math.max(lastSeq, seq);
    }

    /** A connection event; {@code closeCode} the code a connection ended with, or null. */
    synchronized void connection(String what, Integer closeCode) {
        if (closeCode != null) {
            closeCodes.add(closeCode);
        }
        resumeLog.add(clock(millis()) + " " + what);
    }

    synchronized String room() {
        return room;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    synchronized JsonNode lastHello() {
        return lastHello;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized List<String> resumeLog() {
        return List.copyOf(resumeLog);
    }

    synchronized int resumes() {
        return resumes;
    }

    synchronized int failedResumes() {
        return failedResumes;
    }

    synchronized int unrecoveredResumes() {
        return unrecoveredResumes;
    }

    synchronized int storeUnavailable() {
        return storeUnavailable;
    }

    /** Everything recorded, for the scenario's evidence folder. */
    synchronized void dump(StringBuilder text) {
        text.append("remembered answers: ").append(rememberedAnswers).append(System.lineSeparator());
        text.append("close codes: ").append(closeCodes).append(System.lineSeparator());
        resumeLog.forEach(line -> text.append("resume: ").append(line).append(System.lineSeparator()));
        errors.forEach(line -> text.append("error: ").append(line).append(System.lineSeparator()));
        text.append("-- received room events (time, connection, seq, event)").append(System.lineSeparator());
        received.forEach(event -> text.append(clock(event.at())).append(" #").append(event.connection()).append(" ")
                .append(event.seq()).append(" ").append(event.signature()).append(System.lineSeparator()));
    }

    static long millis() {
        return System.currentTimeMillis();
    }

    /** Wall-clock time, to line a dump up with the server logs. */
    static String clock(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()).toLocalTime().toString();
    }
}

package io.multistudio.backend;

/**
 * One webhook as the receiver gets it, serialized once and signed as is.
 *
 * @param id unique per event: a receiver drops a repeat by it
 * @param type {@code room.created}, {@code room.deleted}, {@code user.joined}, {@code user.left},
 *        {@code session.started} or {@code session.ended}
 * @param at when the event happened, epoch millis
 * @param seq the room event seq it goes with, for user events in a room
 */
public record WebhookEvent(String id, String type, long at, String room, User user, String reason, Long seq) {

    /** The user an event is about; {@code name} is absent when the server no longer knows it. */
    public record User(String id, String name) {
    }
}

package io.multistudio.backend;

/**
 * A webhook waiting in the outbox, shared by every node. Entries of one lane (a room, or a user's session) are sent
 * one at a time in ({@code epoch}, {@code position}) order.
 *
 * @param epoch orders incarnations of a room id: the creation time of the room the event belongs to
 * @param position orders events within an epoch: the room seq, times {@link #STEPS}, plus the event's step
 * @param body the signed JSON body
 * @param once whether every node that heard of the event recorded it: the entry then stays, delivered, a while after
 *        delivery so that a late copy finds it and is not recorded again
 */
public record OutboxEntry(String id, String lane, long epoch, long position, String body, long createdAt,
        int attempts, long nextAttemptAt, boolean once, boolean delivered) {

    /** Steps within one seq: a room is created, then users join or leave, then it is deleted. */
    static final int STEPS = 3;

    OutboxEntry failedAttempt(long nextAttempt) {
        return new OutboxEntry(id, lane, epoch, position, body, createdAt, attempts + 1, nextAttempt, once, delivered);
    }

    OutboxEntry asDelivered() {
        return new OutboxEntry(id, lane, epoch, position, null, createdAt, attempts, nextAttemptAt, once, true);
    }
}

package io.multistudio.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.protocol.ServerMessage;
import io.multistudio.room.Room;
import io.multistudio.room.RoomEvent;
import io.multistudio.transport.Connection;
import io.multistudio.transport.Outbound;
import io.netty.buffer.ByteBuf;

/**
 * One room as seen by this node: the members connected here, the sequencer that hands them the room's events in
 * seq order, whatever order they were committed in, and the last events it handed out, for the catch-up of a member
 * who comes next ({@link RecentEvents}). Events arrive from any thread; everything here runs under the
 * room's lock, and sending only queues on each connection's outbound stream (written on that connection's own event
 * loop), so the lock is never held for I/O. Each event is framed once, and every member gets the same bytes.
 */
public final class LocalRoom {

    private static final Logger LOG = Logger.getLogger(LocalRoom.class);

    /**
     * Events held back by an open gap, at most, in count and in characters of their text: past either bound the gap
     * is given up on at once, as its timeout would, so that a gap held open while the room goes on costs a bounded
     * heap however busy the room. Far above what a gap holds normally: events that overtook each other close it in
     * milliseconds, the fill from the history comes after 300 ms, and the timeout a second after the store timeout.
     */
    static final int MAX_PENDING_EVENTS = 10_000;
    static final long MAX_PENDING_CHARS = 4L * 1024 * 1024;

    private final String id;
    private final String instance;
    private final Codec codec;
    private final ServerMetrics metrics;
    private final GapWatcher gapDetected;
    private final Runnable emptied;
    private final RecentEvents recent;
    private final TreeMap<Long, RoomEvent> pending = new TreeMap<>();
    /** The characters of the events in {@code pending}. */
    private long pendingChars;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private long nextSeq;
    private long watchedGap = -1;
    /** The seqs last skipped, {@code [from, to)}: one of them arriving after all is lost for the members here. */
    private long skippedFrom = -1;
    private long skippedTo = -1;
    /** The room with its members as the events delivered so far left it; {@code null} once it is gone. */
    private volatile Room known;

    LocalRoom(Room room, long nextSeq, Codec codec, ServerMetrics metrics, GapWatcher gapDetected,
            Runnable emptied, RecentEvents.Limits recentLimits) {
        this.metrics = metrics;
        this.recent = new RecentEvents(nextSeq, recentLimits, this);
        this.id = room.id();
        this.instance = room.instance();
        this.known = room;
        this.nextSeq = nextSeq;
        this.codec = codec;
        this.gapDetected = gapDetected;
        this.emptied = emptied;
    }

    String instance() {
        return instance;
    }

    /** The room as this node follows it: what a member's event here is checked against before it is committed. */
    Room known() {
        return known;
    }

    /** Lock-free, so that the registry may ask while holding its own lock. */
    boolean isEmpty() {
        return members.isEmpty();
    }

    synchronized void offer(RoomEvent event) {
        if (!event.instance().equals(instance) || event.seq() < nextSeq) {
            if (event.seq() >= skippedFrom && event.seq() < skippedTo) {
                LOG.warnf("Room %s: seq %d arrived after delivery skipped it; the members here never get it",
                        id, event.seq());
            }
            return;
        }
        RoomEvent replaced = pending.put(event.seq(), event);
        pendingChars += event.text().length() - (replaced == null ? 0 : replaced.text().length());
        drain();
        while (pending.size() > MAX_PENDING_EVENTS || pendingChars > MAX_PENDING_CHARS) {
            skipToPending();
        }
    }

    /**
     * An event that never came (its writer died between taking the seq and committing it) must not stall the room for
     * good: after the gap timeout, delivery goes on from the next event that did come.
     */
    synchronized void skipGap(long stalledAt) {
        if (nextSeq == stalledAt && !pending.isEmpty()) {
            skipToPending();
        }
    }

    /** Gives up on the gap that holds the pending events back: delivery goes on from the first of them. */
    private void skipToPending() {
        skippedFrom = nextSeq;
        skippedTo = pending.firstKey();
        LOG.warnf("Room %s: gave up waiting for seqs %d to %d; delivered without them", id,
                skippedFrom, skippedTo - 1);
        nextSeq = skippedTo;
        recent.restart(nextSeq);
        drain();
    }

    public String id() {
        return id;
    }

    /** Told when delivery waits for the events from {@code fromSeq} to {@code toSeq}, which have not arrived. */
    interface GapWatcher {
        void watch(LocalRoom room, long fromSeq, long toSeq);
    }

    /**
     * The events after {@code afterSeq} through at least {@code through} as this node handed them out, in seq order;
     * {@code null} unless it handed out every one of them and still holds them.
     */
    synchronized List<RoomEvent> recent(long afterSeq, long through) {
        return recent.after(afterSeq, through);
    }

    /**
     * Adds a member that receives nothing live until {@link #release}: events that arrive meanwhile are held for it,
     * so its catch-up (from the history, or from the events delivered here) and the live stream join without a gap or
     * a duplicate.
     */
    synchronized Member attach(Connection connection, String userId, long lastSeq) {
        Member member = new Member(connection, userId, lastSeq);
        members.put(connection.id(), member);
        return member;
    }

    private synchronized void release(Member member, List<String> welcome, List<RoomEvent> missed, long caughtUpTo) {
        if (members.get(member.connection.id()) != member) {
            return;
        }
        welcome.forEach(member.connection::send);
        // The read and what arrived here meanwhile, in seq order. Past a gap in the read, an event this node has not
        // delivered yet joins the room's own queue instead: the one in the gap was still being committed when the
        // history was read and comes live; handed over before it, it would make the member skip the gap's event.
        TreeMap<Long, RoomEvent> catchUp = member.held;
        member.held = null;
        List<RoomEvent> afterGap = new ArrayList<>();
        missed.forEach(event -> {
            if (event.seq() <= caughtUpTo || event.seq() < nextSeq) {
                catchUp.putIfAbsent(event.seq(), event);
            } else {
                afterGap.add(event);
            }
        });
        catchUp.values().forEach(event -> member.deliver(event, null));
        member.lastSeq = Math.max(member.lastSeq, caughtUpTo);
        // With nobody else live here, the events before this member's catch-up concern nobody: delivery moves on
        // instead of waiting for them to be fetched.
        boolean othersLive = members.values().stream().anyMatch(other -> other != member && other.held == null);
        if (!othersLive && nextSeq <= member.lastSeq) {
            nextSeq = member.lastSeq + 1;
            recent.restart(nextSeq);
            Map<Long, RoomEvent> passed = pending.headMap(nextSeq);
            passed.values().forEach(event -> pendingChars -= event.text().length());
            passed.clear();
            drain();
        }
        afterGap.forEach(this::offer);
    }

    /** Removes the member of {@code connection}; returns the last seq it was handed, or -1 if it was not here. */
    synchronized long detach(Connection connection) {
        Member member = members.remove(connection.id());
        return member == null ? -1 : member.lastSeq;
    }

    /** Delivers every event that is next in line; one that is missing is watched for once. */
    private void drain() {
        RoomEvent event;
        while ((event = pending.remove(nextSeq)) != null) {
            pendingChars -= event.text().length();
            nextSeq++;
            if (known != null) {
                known = known.after(event);
            }
            recent.add(event);
            ByteBuf encoded = Outbound.frame(event.text());
            for (Member member : members.values()) {
                member.offer(event, encoded);
            }
            encoded.release();
            metrics.fanout(System.currentTimeMillis() - event.at());
        }
        if (!pending.isEmpty() && watchedGap != nextSeq) {
            watchedGap = nextSeq;
            gapDetected.watch(this, nextSeq, pending.firstKey() - 1);
        }
    }

    /** A member connected to this node. */
    public final class Member {

        private final Connection connection;
        private final String userId;
        private long lastSeq;
        private TreeMap<Long, RoomEvent> held = new TreeMap<>();

        private Member(Connection connection, String userId, long lastSeq) {
            this.connection = connection;
            this.userId = userId;
            this.lastSeq = lastSeq;
        }

        /**
         * Sends {@code welcome} ({@code JOINED_ROOM}, and any past events asked for), then the missed events, then
         * what was held, and goes live.
         *
         * @param caughtUpTo the room's seq the missed events were read up to: events up to it that are not in
         *        {@code missed} were not for this member
         */
        public void release(List<String> welcome, List<RoomEvent> missed, long caughtUpTo) {
            LocalRoom.this.release(this, welcome, missed, caughtUpTo);
        }

        private void offer(RoomEvent event, ByteBuf encoded) {
            if (held != null) {
                held.put(event.seq(), event);
            } else {
                deliver(event, encoded);
            }
        }

        /** @param encoded the event's frame, or {@code null} to frame it for this member alone */
        private void deliver(RoomEvent event, ByteBuf encoded) {
            if (event.seq() <= lastSeq) {
                return;
            }
            lastSeq = event.seq();
            if (!event.visibleTo(userId)) {
                return;
            }
            boolean requester = connection.reference().equals(event.origin());
            if (event.removes(userId)) {
                members.remove(connection.id());
                connection.leftRoom(id);
                if (members.isEmpty()) {
                    emptied.run();
                }
                connection.send(codec.write(
                        new ServerMessage.LeftRoom(requester ? event.rid() : null, id, event.reason())));
            } else if (requester || encoded == null) {
                connection.send(requester ? codec.withRid(event.text(), event.rid()) : event.text());
            } else {
                // The same buffer, one more reference: written through views or absolute indexes, it never moves.
                connection.send(encoded.retain());
            }
        }
    }
}

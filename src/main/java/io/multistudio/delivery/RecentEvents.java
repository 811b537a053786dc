package io.multistudio.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

import io.multistudio.room.RoomEvent;

/**
 * The last events a room's sequencer released on this node, in seq order and without a gap, so that a member who
 * joins or resumes here a moment later catches up from them instead of reading them back from the history. Bounded in
 * count, in characters of their text and in age: an event older than {@link #MAX_AGE_MILLIS} is never served, and a
 * room that goes quiet holds nothing a third of that later (the idle heap per connection counts), dropped by a timer
 * that runs only while something is held. Its {@link LocalRoom} calls it under the room's lock, the lock the timer
 * takes too.
 */
final class RecentEvents {

    /** Characters held at most, if the history itself holds more. */
    static final long MAX_CHARS = 256L * 1024;
    /** A join catches up within milliseconds, a resume within the client's first reconnect delay or two. */
    static final long MAX_AGE_MILLIS = 3_000;

    /** Runs {@code task} once, {@code millis} from now, on this node's event loop. */
    interface Timers {
        void after(long millis, Runnable task);
    }

    /**
     * The bounds of every room's recent events, and its timers. Never more than the history holds, so that what a
     * catch-up from here recovers, it would have recovered from the history too.
     */
    record Limits(int events, long chars, Timers timers) {
    }

    private final int maxEvents;
    private final long maxChars;
    private final long maxAgeMillis;
    private final Timers timers;
    private final Object lock;
    private final LongSupplier clock;
    /** {@code null} while empty, so that a quiet room holds no array. */
    private ArrayDeque<Held> held;
    /** The seq after the last one held: the next the sequencer releases. */
    private long next;
    private long chars;
    private boolean expiryArmed;

    RecentEvents(long next, Limits limits, Object lock) {
        this(next, limits.events(), limits.chars(), MAX_AGE_MILLIS, limits.timers(), lock,
                () -> System.nanoTime() / 1_000_000);
    }

    RecentEvents(long next, int maxEvents, long maxChars, long maxAgeMillis, Timers timers, Object lock,
            LongSupplier clock) {
        this.next = next;
        this.maxEvents = maxEvents;
        this.maxChars = maxChars;
        this.maxAgeMillis = maxAgeMillis;
        this.timers = timers;
        this.lock = lock;
        this.clock = clock;
    }

    /**
     * The sequencer released {@code event}; one that does not follow the last one held (the sequencer skipped seqs)
     * starts the run anew, so that a skipped seq is never taken for one held.
     */
    void add(RoomEvent event) {
        if (event.seq() != next) {
            restart(event.seq());
        }
        next = event.seq() + 1;
        if (maxEvents == 0) {
            return;
        }
        if (held == null) {
            held = new ArrayDeque<>();
        }
        held.addLast(new Held(event, clock.getAsLong()));
        chars += event.text().length();
        // An event larger than the bound on its own is not held either.
        while (held != null && (held.size() > maxEvents || chars > maxChars)) {
            dropOldest();
        }
        if (held != null && !expiryArmed) {
            expiryArmed = true;
            timers.after(maxAgeMillis, this::expire);
        }
    }

    /** The sequencer goes on from {@code nextSeq}, without the seqs before it: nothing held runs up to it. */
    void restart(long nextSeq) {
        held = null;
        chars = 0;
        next = nextSeq;
    }

    /**
     * The events after {@code afterSeq}, in seq order, if those held run from {@code afterSeq + 1} through at least
     * {@code through}; otherwise {@code null}: some of them were not released here, or are not held any more.
     */
    List<RoomEvent> after(long afterSeq, long through) {
        dropAged(clock.getAsLong());
        long first = next - (held == null ? 0 : held.size());
        if (afterSeq + 1 < first || next - 1 < through || afterSeq >= next) {
            return null;
        }
        List<RoomEvent> events = new ArrayList<>((int) (next - 1 - afterSeq));
        long seq = first;
        for (Iterator<Held> oldestFirst = held == null ? null : held.iterator(); seq < next; seq++) {
            RoomEvent event = oldestFirst.next().event();
            if (seq > afterSeq) {
                events.add(event);
            }
        }
        return events;
    }

    /**
     * On the timer: drops what aged, and comes back when the oldest event left is due, but not sooner than a third of
     * the age: coming back exactly when each event was due cost a room a timer per event, and its event loop a
     * wake-up from sleep for each when the room was not busy (1,000 a second at 1,000 room events a second over 50
     * rooms, with a quarter more CPU per delivery than the baseline at that rate). {@link #after} drops what aged
     * before it reads, so the later drop frees memory later and serves nothing older.
     */
    private void expire() {
        synchronized (lock) {
            long now = clock.getAsLong();
            dropAged(now);
            expiryArmed = held != null;
            if (expiryArmed) {
                timers.after(Math.max(maxAgeMillis / 3, held.peekFirst().at() + maxAgeMillis - now), this::expire);
            }
        }
    }

    private void dropAged(long now) {
        while (held != null && held.peekFirst().at() <= now - maxAgeMillis) {
            dropOldest();
        }
    }

    private void dropOldest() {
        chars -= held.removeFirst().event().text().length();
        if (held.isEmpty()) {
            held = null;
        }
    }

    private record Held(RoomEvent event, long at) {
    }
}

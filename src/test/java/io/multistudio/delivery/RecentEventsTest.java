package io.multistudio.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.multistudio.room.RoomEvent;

/** The events a room delivered on this node, for the next catch-up: what they cover, their bounds, their age. */
class RecentEventsTest {

    private static final long AGE = 1_000;

    private final AtomicLong clock = new AtomicLong(10_000);
    private final List<Runnable> timers = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();

    private RecentEvents recent(long next, int maxEvents, long maxChars) {
        return new RecentEvents(next, maxEvents, maxChars, AGE, (millis, task) -> {
            delays.add(millis);
            timers.add(task);
        }, this, clock::get);
    }

    @Test
    void coversOnlyARangeDeliveredFromItsFirstSeqThroughTheOneAskedFor() {
        RecentEvents recent = recent(1, 10, 1_000);
        for (long seq = 1; seq <= 3; seq++) {
            recent.add(event(seq, "x"));
        }

        assertThat(recent.after(0, 3)).extracting(RoomEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(recent.after(1, 3)).extracting(RoomEvent::seq).containsExactly(2L, 3L);
        assertThat(recent.after(2, 2)).as("nothing after 2 asked for, 3 given").extracting(RoomEvent::seq)
                .containsExactly(3L);
        assertThat(recent.after(1, 4)).as("4 not delivered yet").isNull();
        assertThat(recent.after(3, 4)).isNull();
    }

    @Test
    void holdsNothingFromBeforeItStarted() {
        RecentEvents recent = recent(5, 10, 1_000);
        recent.add(event(5, "x"));

        assertThat(recent.after(3, 5)).as("4 was delivered before this room was followed here").isNull();
        assertThat(recent.after(4, 5)).extracting(RoomEvent::seq).containsExactly(5L);
        assertThat(recent.after(4, 4)).as("a fresh room that delivered nothing yet").isNotNull();
    }

    @Test
    void aSkippedSeqStartsTheRunAnew() {
        RecentEvents recent = recent(1, 10, 1_000);
        recent.add(event(1, "x"));
        recent.add(event(2, "x"));
        recent.add(event(4, "x"));

        assertThat(recent.after(0, 4)).isNull();
        assertThat(recent.after(2, 4)).as("3 skipped").isNull();
        assertThat(recent.after(3, 4)).extracting(RoomEvent::seq).containsExactly(4L);
    }

    @Test
    void aRestartForgetsWhatRanUpToIt() {
        RecentEvents recent = recent(1, 10, 1_000);
        recent.add(event(1, "x"));
        assertThat(recent.after(0, 1)).hasSize(1);
        recent.restart(6);
        recent.add(event(6, "x"));

        assertThat(recent.after(0, 6)).isNull();
        assertThat(recent.after(5, 6)).extracting(RoomEvent::seq).containsExactly(6L);
    }

    @Test
    void keepsAtMostItsCountAndItsCharacters() {
        RecentEvents byCount = recent(1, 3, 1_000);
        RecentEvents byChars = recent(1, 10, 25);
        for (long seq = 1; seq <= 5; seq++) {
            byCount.add(event(seq, "x"));
            byChars.add(event(seq, "0123456789"));
        }

        assertThat(byCount.after(1, 5)).isNull();
        assertThat(byCount.after(2, 5)).extracting(RoomEvent::seq).containsExactly(3L, 4L, 5L);
        assertThat(byChars.after(2, 5)).as("three texts of 10 characters exceed 25").isNull();
        assertThat(byChars.after(3, 5)).extracting(RoomEvent::seq).containsExactly(4L, 5L);
    }

    @Test
    void noneKeptWhenTheCountIsZero() {
        RecentEvents none = recent(1, 0, 1_000);
        for (long seq = 1; seq <= 2; seq++) {
            none.add(event(seq, "x"));
        }

        assertThat(none.after(1, 2)).isNull();
        assertThat(timers).as("nothing held, nothing to drop").isEmpty();
    }

    @Test
    void eventsAgeOutAndAQuietRoomEndsHoldingNothingWithNoTimerLeft() {
        RecentEvents recent = recent(1, 10, 1_000);
        recent.add(event(1, "x"));
        clock.addAndGet(600);
        recent.add(event(2, "x"));
        assertThat(delays).as("one timer while events are held").containsExactly(AGE);

        clock.addAndGet(400);
        assertThat(recent.after(0, 2)).as("1 aged out").isNull();
        runTimer();
        assertThat(delays).as("back when 2 is due").containsExactly(AGE, 600L);
        assertThat(recent.after(1, 2)).extracting(RoomEvent::seq).containsExactly(2L);

        clock.addAndGet(600);
        runTimer();
        assertThat(timers).as("nothing held, no timer").isEmpty();
        assertThat(recent.after(1, 2)).isNull();
        assertThat(recent.after(2, 2)).as("the run still ends at 2").isEmpty();

        recent.add(event(3, "x"));
        assertThat(delays).as("armed again by the next event").hasSize(3);
    }

    @Test
    void aBusyRoomDropsItsAgedEventsInStepsOfAThirdOfTheAgeNotOnePerEvent() {
        RecentEvents recent = recent(1, 100, 10_000);
        for (long seq = 1; seq <= 50; seq++) {
            recent.add(event(seq, "x"));
            clock.addAndGet(20);
        }
        clock.addAndGet(AGE - 50 * 20 + 10);
        runTimer();
        assertThat(delays).as("back after a third of the age, not when 2 is due 10 ms later")
                .containsExactly(AGE, AGE / 3);
        assertThat(recent.after(0, 50)).as("1 aged out").isNull();
        assertThat(recent.after(1, 50)).hasSize(49);

        clock.addAndGet(AGE / 3);
        assertThat(recent.after(17, 50)).as("what aged meanwhile is not served, timer or not").isNull();
        assertThat(recent.after(18, 50)).extracting(RoomEvent::seq).startsWith(19L).endsWith(50L);
    }

    private void runTimer() {
        timers.remove(0).run();
    }

    private static RoomEvent event(long seq, String text) {
        return new RoomEvent("r", "i1", seq, "MESSAGE", null, "u_bob", null, null, null, null, text, 0, null, 0);
    }
}

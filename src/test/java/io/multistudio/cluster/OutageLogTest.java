package io.multistudio.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A store outage is told once, recalled at most once a minute, and its end is told once. */
class OutageLogTest {

    private static final long RENEWAL = NodeRegistry.RENEWAL.toMillis();
    private static final long MINUTE = OutageLog.REMINDER.toMillis();

    private final OutageLog log = new OutageLog("node-a");

    @Test
    void anOutageIsToldOnceThenAtMostOnceAMinuteAndItsEndOnce() {
        assertThat(log.succeeded(0)).as("renewals while the store answers").isNull();

        assertThat(log.failed(1_000, "ISPN004084: timed out")).contains("node-a", "ISPN004084: timed out");
        int said = 0;
        for (long now = 1_000 + RENEWAL; now < 1_000 + 3 * MINUTE + RENEWAL; now += RENEWAL) {
            if (log.failed(now, "ISPN004084: timed out") != null) {
                said++;
            }
        }
        assertThat(said).as("reminders over three minutes of renewals every %d ms", RENEWAL).isEqualTo(3);

        assertThat(log.succeeded(200_000)).contains("node-a", "199 s");
        assertThat(log.succeeded(204_000)).as("the next renewal").isNull();
    }

    @Test
    void aNewOutageIsToldAgainAtOnce() {
        log.failed(0, "first");
        log.succeeded(RENEWAL);
        assertThat(log.failed(2 * RENEWAL, "second")).as("a new outage, seconds after the last").contains("second");
    }
}

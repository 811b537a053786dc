package io.multistudio.abuse;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The pace of a load the tests generate (a client acting every few milliseconds, a flood in bursts). It waits for
 * no condition, so Awaitility has nothing to poll: it only spaces out what a test sends.
 */
final class Pace {

    private Pace() {
    }

    static void pause(Duration pause) {
        LockSupport.parkNanos(pause.toNanos());
    }
}

package io.multistudio.room;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.core.Vertx;

/**
 * Trims the rooms' history to its bound now and then, off the path of any request: a request commits its event in
 * one store call, and what that event pushed out of the bound is removed within a {@link #PERIOD}.
 */
@ApplicationScoped
class HistoryTrimmer {

    private static final Logger LOG = Logger.getLogger(HistoryTrimmer.class);
    static final Duration PERIOD = Duration.ofSeconds(1);
    /**
     * A pass still running after this is given up, loudly: one pass that never ends (a pass once did, see
     * {@link io.multistudio.engine.Concurrently}) must not stop the trimming for good and let the history grow.
     */
    static final Duration PASS_LIMIT = Duration.ofSeconds(30);

    private final RoomLog log;
    private final Vertx vertx;
    private final Duration passLimit;
    private long timer = -1;
    /** One pass at a time: a slow store must not pile passes up. */
    private boolean running;

    @Inject
    HistoryTrimmer(RoomLog log, Vertx vertx) {
        this(log, vertx, PASS_LIMIT);
    }

    HistoryTrimmer(RoomLog log, Vertx vertx, Duration passLimit) {
        this.log = log;
        this.vertx = vertx;
        this.passLimit = passLimit;
    }

    void start(@Observes StartupEvent startup) {
        timer = vertx.setPeriodic(PERIOD.toMillis(), tick -> pass());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timer);
    }

    private synchronized void pass() {
        if (running) {
            return;
        }
        running = true;
        log.trim().ifNoItem().after(passLimit).fail()
                .onTermination().invoke(this::done)
                .subscribe().with(ignored -> {
                }, failure -> {
                    if (failure instanceof TimeoutException) {
                        LOG.warnf("A pass over the rooms' history did not end within %s: given up", passLimit);
                    } else {
                        LOG.debugf("Could not trim the rooms' history: %s", failure);
                    }
                });
    }

    private synchronized void done() {
        running = false;
    }
}

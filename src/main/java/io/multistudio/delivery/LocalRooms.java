package io.multistudio.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.config.MultiStudioConfig;
import io.multistudio.observability.ServerMetrics;
import io.multistudio.protocol.Codec;
import io.multistudio.room.Room;
import io.multistudio.room.RoomEvent;
import io.multistudio.room.RoomEvents;
import io.multistudio.room.RoomLog;
import io.multistudio.transport.Connection;
import io.vertx.core.Vertx;

/**
 * The rooms that have members connected to this node, and the delivery of committed room events to them. A room with
 * no member here is not tracked: an event for it has nobody to go to, and a member who comes later catches up from
 * the room's history.
 */
@Singleton
public class LocalRooms implements RoomEvents {

    private static final Logger LOG = Logger.getLogger(LocalRooms.class);

    /** Events of one room can overtake each other on their way here; past this, a missing one is fetched. */
    static final Duration GAP_FILL_DELAY = Duration.ofMillis(300);
    /** Past the store timeout, how much longer a missing seq may hold back the events after it. */
    static final Duration GAP_MARGIN = Duration.ofSeconds(1);

    private final Map<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    private final Codec codec;
    private final ServerMetrics metrics;
    private final Vertx vertx;
    /** Looked up lazily: the room log publishes to this registry, which in turn reads the log. */
    private final Instance<RoomLog> roomLog;
    /** How long a missing seq may hold back the events after it before delivery skips it. */
    private final Duration gapTimeout;
    private final RecentEvents.Limits recentLimits;

    LocalRooms(Codec codec, Vertx vertx, Instance<RoomLog> roomLog, ServerMetrics metrics, MultiStudioConfig config) {
        this.gapTimeout = config.storeTimeout().plus(GAP_MARGIN);
        this.recentLimits = new RecentEvents.Limits(Math.min(config.recentEvents(), config.roomHistory()),
                Math.min(RecentEvents.MAX_CHARS, config.roomHistoryBytes()),
                (millis, task) -> vertx.setTimer(millis, timer -> task.run()));
        this.metrics = metrics;
        this.codec = codec;
        this.vertx = vertx;
        this.roomLog = roomLog;
    }

    /** Rooms with members connected to this node. */
    public int count() {
        return rooms.size();
    }

    @Override
    public void publish(RoomEvent event) {
        LocalRoom room = rooms.get(event.room());
        if (room != null) {
            room.offer(event);
        }
    }

    @Override
    public Room known(String roomId) {
        LocalRoom room = rooms.get(roomId);
        return room == null ? null : room.known();
    }

    @Override
    public List<RoomEvent> recent(Room room, long afterSeq, long through) {
        LocalRoom local = rooms.get(room.id());
        return local == null || !local.instance().equals(room.instance()) ? null : local.recent(afterSeq, through);
    }

    /**
     * Makes {@code connection} a member here that has seen every event up to {@code lastSeq}; it gets nothing live
     * until {@link LocalRoom.Member#release}.
     */
    public LocalRoom.Member attach(Room room, Connection connection, String userId, long lastSeq) {
        LocalRoom.Member[] attached = new LocalRoom.Member[1];
        // Attaching inside compute keeps a concurrent removal of the emptied room from orphaning the new member.
        LocalRoom local = rooms.compute(room.id(), (id, current) -> {
            LocalRoom chosen = current == null || !current.instance().equals(room.instance())
                    ? new LocalRoom(room, lastSeq + 1, codec, metrics, this::watchGap,
                            () -> vertx.runOnContext(ignored -> removeIfEmpty(id)), recentLimits)
                    : current;
            attached[0] = chosen.attach(connection, userId, lastSeq);
            return chosen;
        });
        connection.enteredRoom(local);
        return attached[0];
    }

    /** Takes {@code connection} out of its room here; returns the last seq it was handed, -1 if it was in none. */
    public long detach(Connection connection) {
        LocalRoom room = connection.localRoom();
        String roomId = connection.room();
        if (room == null) {
            return -1;
        }
        connection.leftRoom(roomId);
        long lastSeq = room.detach(connection);
        removeIfEmpty(roomId);
        return lastSeq;
    }

    private void removeIfEmpty(String roomId) {
        rooms.computeIfPresent(roomId, (id, current) -> current.isEmpty() ? null : current);
    }

    /**
     * An event that did not arrive (a listener failing over to another Infinispan node can miss some, a loaded node
     * hears late) is read from the history. One that is not there either was never committed (its writer failed
     * after taking the seq) and is skipped after the gap timeout: the writer took the seq before the events after it
     * showed, so by then its write has been made or given up (the store timeout), and the history is read once
     * more right before skipping, so that an event committed late is not skipped (it could never be delivered here
     * after that).
     */
    private void watchGap(LocalRoom room, long fromSeq, long toSeq) {
        vertx.setTimer(GAP_FILL_DELAY.toMillis(), fill -> fill(room, fromSeq, toSeq, () -> {
        }));
        vertx.setTimer(gapTimeout.toMillis(), skip -> fill(room, fromSeq, toSeq, () -> room.skipGap(fromSeq)));
    }

    private void fill(LocalRoom room, long fromSeq, long toSeq, Runnable then) {
        roomLog.get().events(room.instance(), fromSeq, toSeq).subscribe().with(found -> {
            found.forEach(room::offer);
            then.run();
        }, failure -> {
            LOG.debugf("Could not read the history of %s: %s", room.id(), failure);
            then.run();
        });
    }
}

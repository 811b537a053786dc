package io.multistudio.room;

import java.util.Comparator;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.multistudio.engine.Engine;
import io.multistudio.engine.SharedMap;
import io.multistudio.protocol.ServerMessage;
import io.smallrye.mutiny.Uni;

/**
 * The listed rooms as {@code LIST_ROOMS} shows them (without their data), kept beside the rooms so that a listing
 * reads these small entries only, never every room with its data. The index follows each change of a stored room: a
 * room appearing, disappearing or changing its settings is indexed before the request is answered; a member joining
 * or leaving a listed room is indexed without waiting, so a listing may show a member count a moment old.
 */
@Singleton
public class RoomIndex {

    private static final Logger LOG = Logger.getLogger(RoomIndex.class);

    private final SharedMap<ServerMessage.MultiRoom> listed;

    RoomIndex(Engine engine) {
        this.listed = engine.map("listed", ServerMessage.MultiRoom.class, room -> Engine.IMMORTAL,
                Engine.Expiry.SILENT);
    }

    /** Brings the index in line with a change of a stored room from {@code before} to {@code after}. */
    Uni<Void> changed(Room before, Room after) {
        boolean was = before != null && before.listed();
        boolean is = after != null && after.listed();
        if (!is) {
            return was ? listed.remove(before.id()) : Uni.createFrom().voidItem();
        }
        ServerMessage.MultiRoom entry = after.view().withoutData();
        if (was && entry.equals(before.view().withoutData())) {
            // Only the room's data changed, which listings leave out.
            return Uni.createFrom().voidItem();
        }
        Uni<Void> write = listed.put(after.id(), entry);
        if (!was || before.members().size() == after.members().size()) {
            return write;
        }
        write.subscribe().with(ignored -> {
        }, failure -> LOG.debugf("Could not index room %s: %s", after.id(), failure));
        return Uni.createFrom().voidItem();
    }

    /** Every entry of the index, for the repair of those whose room is gone. */
    Uni<List<ServerMessage.MultiRoom>> entries() {
        return listed.values();
    }

    /** Removes {@code entry}, unless it was replaced meanwhile (by a room created again under its id). */
    Uni<Void> removeStale(ServerMessage.MultiRoom entry) {
        return listed.update(entry.id(), current -> entry.equals(current) ? null : current).replaceWithVoid();
    }

    /** Up to {@code limit} listed rooms, oldest first. */
    Uni<List<ServerMessage.MultiRoom>> list(int limit) {
        return listed.values().map(all -> all.stream()
                .sorted(Comparator.comparingLong(ServerMessage.MultiRoom::createdAt)
                        .thenComparing(ServerMessage.MultiRoom::id))
                .limit(limit)
                .toList());
    }
}

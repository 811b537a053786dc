package io.multistudio.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import org.jboss.logging.Logger;

/**
 * The node's bound on unsent outbound data, over all connections together. Each connection is bounded on its own,
 * but a thousand connections each just under their own bound can still fill the heap (a load that arrives before the
 * JIT has compiled the write path does exactly that); past this budget the connections with the most unsent bytes
 * are cut off as slow consumers until the rest fits.
 */
final class OutboundBudget {

    private static final Logger LOG = Logger.getLogger(OutboundBudget.class);

    private final long limit;
    private final Executor shedder;
    private final AtomicLong unsent = new AtomicLong();
    private final AtomicBoolean shedding = new AtomicBoolean();
    /** Every outbound side that holds or may hold unsent bytes, including those cut off and still letting go. */
    private final Set<Outbound> holders = ConcurrentHashMap.newKeySet();

    /** @param shedder runs the cut, away from the send that crossed the budget (it may hold a room's lock) */
    OutboundBudget(long limit, Executor shedder) {
        this.limit = limit;
        this.shedder = shedder;
    }

    long unsent() {
        return unsent.get();
    }

    void register(Outbound outbound) {
        holders.add(outbound);
    }

    void unregister(Outbound outbound) {
        holders.remove(outbound);
    }

    void reserve(long bytes) {
        if (unsent.addAndGet(bytes) > limit && shedding.compareAndSet(false, true)) {
            shedder.execute(this::shed);
        }
    }

    void release(long bytes) {
        unsent.addAndGet(-bytes);
    }

    /**
     * Cuts the live connections with the most unsent bytes until the rest fits. Bytes of connections already cut
     * count as gone: they are released as their sockets fail or drain, and must not make more connections go.
     */
    private void shed() {
        try {
            long leaving = 0;
            List<Outbound> live = new ArrayList<>();
            for (Outbound holder : holders) {
                if (holder.leaving()) {
                    leaving += holder.unsent();
                } else {
                    live.add(holder);
                }
            }
            List<Outbound> cut = mostUnsentFirst(live, Outbound::unsent, unsent.get() - leaving - limit);
            if (!cut.isEmpty()) {
                LOG.warnf("The node's outbound budget of %d bytes is exceeded (%d unsent): cutting off the %d "
                        + "connections with the most unsent bytes as slow consumers", limit, unsent.get(), cut.size());
            }
            cut.forEach(Outbound::cut);
        } finally {
            shedding.set(false);
        }
    }

    /** The fewest of {@code candidates}, largest first, whose unsent bytes together reach {@code excess}. */
    static <T> List<T> mostUnsentFirst(Collection<T> candidates, ToLongFunction<T> unsent, long excess) {
        List<T> chosen = new ArrayList<>();
        if (excess <= 0) {
            return chosen;
        }
        // Read once: the counts move while this runs, and a sort must see each one unchanged.
        record Holder<T>(T holder, long unsent) {
        }
        List<Holder<T>> byUnsent = new ArrayList<>(candidates.size());
        candidates.forEach(candidate -> byUnsent.add(new Holder<>(candidate, unsent.applyAsLong(candidate))));
        byUnsent.sort(Comparator.comparingLong((Holder<T> holder) -> holder.unsent()).reversed());
        long freed = 0;
        for (Holder<T> holder : byUnsent) {
            if (freed >= excess || holder.unsent() == 0) {
                break;
            }
            chosen.add(holder.holder());
            freed += holder.unsent();
        }
        return chosen;
    }
}

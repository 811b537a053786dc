package io.multistudio.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a scenario's members sent and received, counted the same way for every scenario:
 * <ul>
 * <li><b>sent</b>: distinct messages (ids); <b>resent</b>: extra requests after a transient refusal, each under a
 * key of its own (the client's own resends of a request in flight at a loss, with the same key, are not counted: the
 * key makes them one request);
 * <b>unacked</b>: messages whose sender never saw its own copy, nor an error; <b>refused</b>: messages answered
 * with a permanent error (not sent again).</li>
 * <li><b>expected</b>: one delivery per message and recipient (every member for a broadcast, sender and addressee
 * for a direct message); <b>delivered</b>: those deliveries that happened, a message counted once per member.</li>
 * <li><b>lost</b>: an acknowledged message that a recipient never received.</li>
 * <li><b>duplicated</b>: a room event a member received twice (same seq), or one send (one key) of a message
 * committed twice: the server executed a keyed request again (PROTOCOL.md §2.7a).</li>
 * <li><b>out of order</b>: a room event received after one with a higher seq.</li>
 * <li><b>diverged</b>: a seq that two members saw as different events (so no single order); a direct message seen
 * by a third member also counts.</li>
 * </ul>
 */
final class Tally {

    private static final int EXAMPLES = 12;

    final String scenario;
    final Duration duration;
    long sent;
    long resent;
    long unacked;
    long refused;
    /** Seqs (between the first and last seen) that no member received: never committed, or lost for everyone. */
    final List<Long> gaps = new ArrayList<>();
    long expected;
    long delivered;
    long lost;
    long duplicated;
    long outOfOrder;
    long diverged;
    long resumes;
    final List<String> problems = new ArrayList<>();

    private Tally(String scenario, Duration duration) {
        this.scenario = scenario;
        this.duration = duration;
    }

    /** Counts the traffic of {@code members}, who were all in the room for the whole of it. */
    static Tally of(String scenario, Duration duration, List<ResumingClient> members) {
        Tally tally = new Tally(scenario, duration);
        tally.count(members);
        return tally;
    }

    /** A row filled in by the scenario itself (probes, presence events) rather than counted from traffic. */
    static Tally custom(String scenario, Duration duration) {
        return new Tally(scenario, duration);
    }

    private record Sent(String from, String to, boolean acked) {
    }

    private void count(List<ResumingClient> members) {
        Map<String, Sent> messages = new HashMap<>();
        for (ResumingClient member : members) {
            resumes += member.log().resumes();
            for (ResumingClient.Outgoing out : member.outgoing()) {
                messages.put(out.id, new Sent(member.userId(), out.to, out.acked));
                sent++;
                resent += out.sends - 1;
                if (!out.acked && out.refused != null) {
                    refused++;
                    problem("refused: " + out.id + " by " + member.name() + ": " + out.refused);
                } else if (!out.acked) {
                    unacked++;
                    problem("unacknowledged: " + out.id + " (sent " + out.sends + "x) by " + member);
                }
            }
        }
        Map<Long, String> signatures = new TreeMap<>();
        for (ResumingClient member : members) {
            String me = member.userId();
            Set<Long> seen = new HashSet<>();
            long highest = Long.MIN_VALUE;
            Map<String, Map<Integer, Set<Long>>> copies = new HashMap<>();
            for (MemberLog.Received event : member.log().received()) {
                if (!seen.add(event.seq())) {
                    duplicated++;
                    problem(member.name() + " received seq " + event.seq() + " again: " + event);
                    continue;
                }
                if (event.seq() < highest) {
                    outOfOrder++;
                    problem(member.name() + " received seq " + event.seq() + " after " + highest + ": " + event);
                }
                highest = Math.max(highest, event.seq());
                String signature = event.signature();
                String other = signatures.putIfAbsent(event.seq(), signature);
                if (other != null && !other.equals(signature)) {
                    diverged++;
                    problem("seq " + event.seq() + " is " + signature + " for " + member.name() + " but " + other
                            + " for another member");
                }
                if (event.msgId() != null) {
                    copies.computeIfAbsent(event.msgId(), id -> new HashMap<>())
                            .computeIfAbsent(event.send(), send -> new HashSet<>()).add(event.seq());
                    if (event.to() != null && !event.to().equals(me) && !me.equals(event.from())) {
                        diverged++;
                        problem(member.name() + " received a direct message for someone else: " + event);
                    }
                }
            }
            for (Map.Entry<String, Sent> message : messages.entrySet()) {
                Sent out = message.getValue();
                boolean recipient = out.to() == null || out.to().equals(me) || out.from().equals(me);
                if (!recipient) {
                    continue;
                }
                expected++;
                Map<Integer, Set<Long>> got = copies.get(message.getKey());
                if (got != null) {
                    delivered++;
                    got.forEach((send, seqs) -> {
                        if (seqs.size() > 1) {
                            duplicated += seqs.size() - 1;
                            problem(member.name() + " received send " + send + " of " + message.getKey() + " "
                                    + seqs.size() + "x, at seqs " + seqs + ": one key executed more than once");
                        }
                    });
                } else if (out.acked()) {
                    lost++;
                    problem(member.name() + " never received acknowledged " + message.getKey());
                }
            }
        }
        findGaps(signatures);
    }

    private void findGaps(Map<Long, String> signatures) {
        Long previous = null;
        for (Long seq : signatures.keySet()) {
            for (long missing = previous == null ? seq : previous + 1; missing < seq; missing++) {
                gaps.add(missing);
            }
            previous = seq;
        }
    }

    private void problem(String text) {
        if (problems.size() < EXAMPLES) {
            problems.add(text);
        }
    }

    static String header() {
        return "| scenario | sent | resent | unacked | refused | delivered / expected | lost | duplicated | out of order"
                + " | diverged | resumes | duration |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
    }

    String row() {
        return String.format("| %s | %d | %d | %d | %d | %d / %d | %d | %d | %d | %d | %d | %.1f s |", scenario, sent,
                resent, unacked, refused, delivered, expected, lost, duplicated, outOfOrder, diverged, resumes,
                duration.toMillis() / 1000.0);
    }

    String problems() {
        return problems.isEmpty() ? "none" : String.join(System.lineSeparator(), problems);
    }
}

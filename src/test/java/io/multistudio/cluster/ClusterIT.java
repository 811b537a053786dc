package io.multistudio.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.client.ServerMessage;
import io.multistudio.testsupport.AppProcess;
import io.multistudio.testsupport.InfinispanServer;
import io.multistudio.testsupport.Wire;

/**
 * Issue 4: the server as a cluster of separate processes — three packaged application nodes on a two-node Infinispan
 * cluster (owners=2), all on loopback — under steady traffic, node crashes, a rolling restart, a store node crash and
 * a full store outage. One cluster serves every scenario, in order; a scenario that stops a process restores it
 * afterwards ({@link #restoreCluster()}), so that a failure does not cascade.
 * <p>
 * Each traffic scenario puts {@link ResumingClient}s spread over the nodes into one room, lets them send, then counts
 * with a {@link Tally}: every acknowledged message must reach every recipient exactly once, in seq order, and every
 * member must see the same event at each seq. Each scenario adds a row to {@code target/cluster-report.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final int APP_NODES = 3;
    private static final int STORE_NODES = 2;
    /** How long the members get after the traffic to receive everything and have every message acknowledged. */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** A request while the store is away must be refused within this, not hang. */
    private static final Duration REFUSAL_LIMIT = Duration.ofSeconds(10);

    private static ClusterHarness cluster;
    private static long suiteStarted;
    /** Watches the history of the running traffic scenario (see {@link #room}); closed after each test. */
    private static HistoryObserver observer;

    @BeforeAll
    static void startCluster() throws IOException {
        // A native build (-Dnative) leaves no runnable jar of this build: the suite needs the JVM package.
        Path artifact = ClusterReport.file().resolveSibling("quarkus-artifact.properties");
        Properties packaged = new Properties();
        if (Files.exists(artifact)) {
            try (Reader reader = Files.newBufferedReader(artifact)) {
                packaged.load(reader);
            }
        }
        Assumptions.assumeTrue("jar".equals(packaged.getProperty("type", "jar")),
                "the cluster suite runs the JVM package (quarkus-app), this build packaged " + packaged);
        suiteStarted = System.nanoTime();
        ClusterReport.begin("Cluster suite (" + STORE_NODES + " Infinispan nodes, " + APP_NODES + " app nodes, grace "
                + ClusterHarness.RECONNECT_GRACE.toSeconds() + " s)");
        cluster = ClusterHarness.start(STORE_NODES, APP_NODES);
        ClusterReport.note("cluster started in " + seconds(suiteStarted) + " (ports: Hot Rod "
                + cluster.stores().stream().map(InfinispanServer::hotRodAddress).toList() + ", WebSocket "
                + cluster.wsUris() + ")");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster == null) {
            return;
        }
        cluster.close();
        ClusterReport.end("Total suite time: " + seconds(suiteStarted) + System.lineSeparator());
    }

    /** Whatever a scenario stopped or killed runs again before the next one: store nodes first, in order. */
    @AfterEach
    void restoreCluster() {
        if (cluster == null) {
            return;
        }
        if (observer != null) {
            observer.close();
            observer = null;
        }
        long started = System.nanoTime();
        boolean restored = false;
        for (InfinispanServer store : cluster.stores()) {
            if (!store.isRunning()) {
                store.start();
                restored = true;
            }
        }
        if (restored) {
            cluster.awaitStoreCluster();
        }
        for (AppProcess app : cluster.apps()) {
            if (!app.isRunning()) {
                app.restart();
                restored = true;
            }
        }
        if (restored) {
            ClusterReport.note("restored stopped nodes in " + seconds(started));
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void steadyTrafficInARoomSpreadOverThreeNodes() {
        long started = System.nanoTime();
        List<ResumingClient> members = room("steady", 2);
        try {
            String roomId = members.get(0).room();
            for (int node = 0; node < APP_NODES; node++) {
                ServerMessage.RoomList list = members.get(node).listRooms(200);
                ServerMessage.Room listed = list.rooms().stream().filter(room -> roomId.equals(room.id())).findFirst()
                        .orElse(null);
                assertThat(listed).as("LIST_ROOMS on node %d sees the room: %s", node, list).isNotNull();
                assertThat(listed.memberCount()).isEqualTo(members.size());
            }

            int perSender = 50;
            int directEvery = 5;
            traffic(members, perSender, Duration.ofMillis(40), directEvery);
            Tally tally = settle("1. steady traffic, room on 3 app nodes", started, members);

            assertClean(tally, members);
            assertThat(tally.resumes).as("nobody lost a connection").isZero();
            int direct = perSender / directEvery;
            long expected = (long) members.size() * ((perSender - direct) * members.size() + direct * 2L);
            assertThat(tally.expected).as("broadcasts to all 6, direct messages (to the next node) to 2")
                    .isEqualTo(expected);
            assertThat(tally.delivered).isEqualTo(expected);
        } finally {
            close(members);
        }
    }

    @Test
    @Order(2)
    void takeOverAcrossNodes() {
        long started = System.nanoTime();
        List<ResumingClient> members = new ArrayList<>(room("takeover", 1));
        ResumingClient old = members.get(0);
        try {
            ResumingClient successor = old.takeOverOn(1);
            members.add(successor);

            await("DENY/SESSION_TAKEN_OVER and close 4000 on the old connection (node 0)")
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> old.log().closeCodes().contains(4000));
            assertThat(old.log().errors()).as("the old connection is told why")
                    .anyMatch(error -> error.contains("\"DENY\"") && error.contains("SESSION_TAKEN_OVER"));
            await("the new connection (node 1) back in the room").atMost(Duration.ofSeconds(15))
                    .until(successor::connectedAndInRoom);
            assertThat(successor.log().unrecoveredResumes()).isZero();
            assertThat(successor.userId()).isEqualTo(old.userId());

            long traffic = System.nanoTime();
            List<ResumingClient> now = List.of(successor, members.get(1), members.get(2));
            traffic(now, 20, Duration.ofMillis(40), 4);
            Tally tally = settle("take-over node 0 → node 1, then traffic", traffic, now);
            ClusterReport.evidence("take-over node 0 → node 1, then traffic", List.of(old));
            assertClean(tally, now);
            assertThat(old.log().received()).as("nothing reaches the taken-over connection")
                    .noneMatch(event -> event.msgId() != null);
            ClusterReport.note("take-over: old connection got DENY/SESSION_TAKEN_OVER and close 4000; scenario took "
                    + seconds(started));
        } finally {
            close(members);
        }
    }

    @Test
    @Order(3)
    void graceExpiryIsHandledOnceClusterWide() {
        long started = System.nanoTime();
        List<ResumingClient> observers = room("expiry", 1);
        ResumingClient leaver = cluster.client("expiry-leaver", 1).hello();
        try {
            leaver.joinRoom(observers.get(0).room());
            String leaverId = leaver.userId();
            await("everyone sees the leaver join").atMost(Duration.ofSeconds(15))
                    .until(() -> observers.stream().allMatch(o -> count(o, "USER_JOINED", leaverId) == 1));

            long dropped = System.nanoTime();
            Duration toExpiry = null;
            leaver.dropForGood();
            try {
                await("USER_LEFT (expired) for the dropped member on every node")
                        .atMost(ClusterHarness.RECONNECT_GRACE.plusSeconds(20))
                        .until(() -> observers.stream().allMatch(o -> count(o, "USER_LEFT", leaverId) >= 1));
                toExpiry = since(dropped);
                // Every node hears the expiry; only one may act on it. A second USER_LEFT would come within moments.
                await("no second USER_LEFT").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                        .until(() -> observers.stream().allMatch(o -> count(o, "USER_LEFT", leaverId) == 1));
            } catch (ConditionTimeoutException e) {
                // counted and asserted below, with the details
            }

            Tally tally = Tally.of("grace expiry (3 s) seen once cluster-wide", since(started), observers);
            tally.sent = 1;
            tally.expected = observers.size();
            for (ResumingClient observer : observers) {
                List<MemberLog.Received> left = observer.log().received().stream()
                        .filter(event -> "USER_LEFT".equals(event.kind()) && leaverId.equals(event.subject()))
                        .toList();
                if (left.isEmpty()) {
                    tally.lost++;
                    tally.problems.add(observer.name() + " never saw USER_LEFT for the dropped member");
                } else {
                    tally.delivered++;
                    tally.duplicated += left.size() - 1;
                    if (left.size() > 1) {
                        tally.problems.add(observer.name() + " saw " + left.size() + " USER_LEFT: " + left);
                    }
                    left.stream().filter(event -> !"expired".equals(event.reason())).forEach(
                            event -> tally.problems.add(observer.name() + " got reason " + event.reason()));
                }
            }
            ClusterReport.row(tally);
            ClusterReport.evidence(tally.scenario, observers);
            ClusterReport.note("grace expiry: USER_LEFT on every node "
                    + (toExpiry == null ? "not seen" : seconds(toExpiry)) + " after the drop (grace "
                    + ClusterHarness.RECONNECT_GRACE.toSeconds() + " s)");

            assertClean(tally, observers);
            assertThat(tally.problems).as("reasons").isEmpty();
            for (ResumingClient observer : observers) {
                assertThat(count(observer, "USER_AWAY", leaverId)).as("%s saw the member away first", observer)
                        .isEqualTo(1);
            }
        } finally {
            close(observers);
        }
    }

    @Test
    @Order(4)
    void killOfAnAppNodeMidStream() {
        long started = System.nanoTime();
        List<ResumingClient> members = room("kill-app", 2);
        try {
            int perSender = 80;
            traffic(members, perSender, Duration.ofMillis(40), 5);
            long total = (long) perSender * members.size();
            await("a third of the traffic").atMost(Duration.ofSeconds(60))
                    .until(() -> acknowledged(members) >= total / 3);
            AppProcess victim = cluster.app(2);
            victim.kill();
            ClusterReport.note("kill -9 app node 2 after " + acknowledged(members) + " of " + total
                    + " messages were acknowledged");

            Tally tally = settle("2. kill -9 of app node 2 mid-stream", started, members);
            assertClean(tally, members);
            for (ResumingClient member : homedOn(members, 2)) {
                assertThat(member.log().resumes())
                        .as("%s resumed after its node died: %s", member, member.log().resumeLog()).isPositive();
                assertThat(member.port()).as("%s now on another node", member).isNotEqualTo(victim.port());
            }
        } finally {
            close(members);
        }
    }

    @Test
    @Order(5)
    void rollingRestartOfEveryAppNode() {
        long started = System.nanoTime();
        List<ResumingClient> members = room("rolling", 2);
        try {
            traffic(members, 1_000_000, Duration.ofMillis(100), 5);
            List<String> timings = new ArrayList<>();
            for (int node = 0; node < APP_NODES; node++) {
                long before = acknowledged(members);
                await("traffic flows before restarting node " + node).atMost(Duration.ofSeconds(30))
                        .until(() -> acknowledged(members) >= before + 20);
                long restart = System.nanoTime();
                cluster.app(node).restart();
                timings.add("node " + node + " " + seconds(restart));
            }
            long before = acknowledged(members);
            await("traffic flows after the last restart").atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledged(members) >= before + 30);
            members.forEach(ResumingClient::stopTraffic);
            ClusterReport.note("rolling restart (SIGTERM, exit, start, ready): " + String.join(", ", timings));

            Tally tally = settle("3. rolling restart of all 3 app nodes", started, members);
            assertClean(tally, members);
            for (ResumingClient member : members) {
                assertThat(member.log().closeCodes()).as("%s was told to go elsewhere (1012)", member).contains(1012);
                assertThat(member.log().resumes()).as("%s resumed", member).isPositive();
            }
        } finally {
            close(members);
        }
    }

    @Test
    @Order(6)
    void killOfAnInfinispanNode() {
        long started = System.nanoTime();
        List<ResumingClient> members = room("kill-ispn", 2);
        try {
            int perSender = 100;
            traffic(members, perSender, Duration.ofMillis(50), 5);
            long total = (long) perSender * members.size();
            await("a quarter of the traffic").atMost(Duration.ofSeconds(60))
                    .until(() -> acknowledged(members) >= total / 4);
            cluster.store(0).kill();
            ClusterReport.note("kill -9 Infinispan node 0 after " + acknowledged(members) + " of " + total
                    + " messages were acknowledged");

            Tally tally = settle("4. kill -9 of Infinispan node 0 (owners=2)", started, members);
            long refused = members.stream().mapToLong(member -> member.log().storeUnavailable()).sum();
            ClusterReport.note("kill -9 Infinispan node: " + refused + " SENDs refused with STORE_UNAVAILABLE (re-sent)");
            assertClean(tally, members);
        } finally {
            close(members);
        }
    }

    @Test
    @Order(7)
    void infinispanOutageAndRecovery() {
        long started = System.nanoTime();
        List<URI> uris = cluster.wsUris();
        List<Wire> inRoom = new ArrayList<>();
        List<Wire> listers = new ArrayList<>();
        List<Wire> fresh = new ArrayList<>();
        SoftAssertions softly = new SoftAssertions();
        try {
            for (int node = 0; node < APP_NODES; node++) {
                Wire client = Wire.hello(uris.get(node), "outage-" + node);
                inRoom.add(client);
                JsonNode joined = client.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"outage-" + node + "-"
                        + UUID.randomUUID().toString().substring(0, 6) + "\"}");
                assertThat(joined.path("kind").asText()).as("%s", joined).isEqualTo("JOINED_ROOM");
                listers.add(Wire.hello(uris.get(node), "outage-lister-" + node));
            }

            long stopping = System.nanoTime();
            cluster.stores().forEach(InfinispanServer::stop);
            long stopped = System.nanoTime();
            await("readiness DOWN on every app node").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> cluster.apps().stream().allMatch(app -> cluster.readiness(app) == 503));
            Duration downAfter = since(stopped);

            // Every node, three requests at once: a SEND in a room, a LIST_ROOMS, and a fresh connection's HELLO.
            List<CompletableFuture<Probe>> probes = new ArrayList<>();
            for (int node = 0; node < APP_NODES; node++) {
                Wire newcomer = Wire.connect(uris.get(node));
                fresh.add(newcomer);
                probes.add(probe("SEND on node " + node, inRoom.get(node),
                        "{\"kind\":\"SEND\",\"rid\":\"p\",\"data\":1}"));
                probes.add(probe("LIST_ROOMS on node " + node, listers.get(node),
                        "{\"kind\":\"LIST_ROOMS\",\"rid\":\"p\"}"));
                probes.add(probe("HELLO on node " + node, newcomer,
                        "{\"kind\":\"HELLO\",\"rid\":\"p\",\"name\":\"x\"}"));
            }
            List<Probe> answered = probes.stream().map(CompletableFuture::join).toList();

            long restarting = System.nanoTime();
            cluster.stores().forEach(InfinispanServer::start);
            cluster.awaitStoreCluster();
            long storeUp = System.nanoTime();
            await("readiness UP again on every app node").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> cluster.apps().stream().allMatch(app -> cluster.readiness(app) == 200));
            Duration upAfter = since(storeUp);

            Tally tally = Tally.custom("5. Infinispan fully stopped, then restarted", since(started));
            tally.sent = answered.size();
            tally.expected = answered.size();
            for (Probe probe : answered) {
                if (probe.refusedInTime()) {
                    tally.delivered++;
                } else {
                    tally.lost++;
                    tally.problems.add(probe.toString());
                }
            }
            ClusterReport.row(tally);
            ClusterReport.note("outage: stores stopped in " + seconds(Duration.ofNanos(stopped - stopping))
                    + "; readiness DOWN on all app nodes " + seconds(downAfter) + " later; requests meanwhile: "
                    + answered.stream().map(Probe::toString).collect(Collectors.joining("; "))
                    + "; stores restarted in " + seconds(Duration.ofNanos(storeUp - restarting))
                    + "; readiness UP " + seconds(upAfter) + " later");
            softly.assertThat(answered)
                    .as("every request during the outage is refused with UNAV/STORE_UNAVAILABLE within %s",
                            REFUSAL_LIMIT)
                    .allMatch(Probe::refusedInTime);

            // Service is back without restarting any app node: a fresh HELLO and CREATE_ROOM on each node, and a
            // member on the next node joins it and gets a message across nodes.
            for (AppProcess app : cluster.apps()) {
                softly.assertThat(app.isRunning()).as("app node still the same process").isTrue();
            }
            List<String> after = new ArrayList<>();
            for (int node = 0; node < APP_NODES; node++) {
                after.add(serviceCheck(node, uris, softly));
            }
            ClusterReport.note("after the outage: " + String.join("; ", after));
        } finally {
            inRoom.forEach(Wire::close);
            listers.forEach(Wire::close);
            fresh.forEach(Wire::close);
        }
        softly.assertAll();
    }

    /** A fresh HELLO and CREATE_ROOM on {@code node}, a JOIN_ROOM from the next node, a message across. */
    private static String serviceCheck(int node, List<URI> uris, SoftAssertions softly) {
        int next = (node + 1) % APP_NODES;
        String room = "after-" + node + "-" + UUID.randomUUID().toString().substring(0, 6);
        String[] step = {"connect"};
        try (Wire owner = Wire.connect(uris.get(node)); Wire guest = Wire.connect(uris.get(next))) {
            step[0] = "HELLO on node " + node;
            JsonNode hello = owner.request("{\"kind\":\"HELLO\",\"name\":\"after-" + node + "\"}");
            softly.assertThat(hello.path("kind").asText()).as("fresh HELLO on node %d: %s", node, hello)
                    .isEqualTo("HELLO");
            step[0] = "CREATE_ROOM on node " + node;
            JsonNode created = owner.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
            softly.assertThat(created.path("kind").asText()).as("CREATE_ROOM on node %d: %s", node, created)
                    .isEqualTo("JOINED_ROOM");
            step[0] = "HELLO on node " + next;
            guest.request("{\"kind\":\"HELLO\",\"name\":\"guest-" + node + "\"}");
            step[0] = "JOIN_ROOM on node " + next;
            JsonNode joined = guest.request("{\"kind\":\"JOIN_ROOM\",\"room\":\"" + room + "\"}");
            softly.assertThat(joined.path("kind").asText()).as("JOIN_ROOM on node %d: %s", next, joined)
                    .isEqualTo("JOINED_ROOM");
            step[0] = "SEND on node " + next;
            JsonNode sent = guest.request("{\"kind\":\"SEND\",\"rid\":\"m\",\"data\":\"back\"}");
            softly.assertThat(sent.path("kind").asText()).as("SEND on node %d: %s", next, sent).isEqualTo("MESSAGE");
            step[0] = "the MESSAGE reaching node " + node;
            List<JsonNode> heard = new ArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    while (owner.pending() > 0) {
                        heard.add(owner.next());
                    }
                    return heard.stream().anyMatch(m -> "back".equals(m.path("data").asText()));
                });
            } catch (ConditionTimeoutException e) {
                // asserted below
            }
            boolean crossed = heard.stream().anyMatch(m -> "back".equals(m.path("data").asText()));
            softly.assertThat(crossed).as("after the outage, node %d's member gets a MESSAGE sent on node %d (got %s)",
                    node, next, heard).isTrue();
            return "node " + node + ": HELLO " + hello.path("kind").asText() + ", CREATE_ROOM "
                    + created.path("kind").asText() + "; node " + next + ": JOIN_ROOM " + joined.path("kind").asText()
                    + ", SEND " + sent.path("kind").asText() + "; message crossed " + node + "←" + next + ": "
                    + crossed;
        } catch (RuntimeException | AssertionError e) {
            softly.fail("service check on node " + node + " failed at " + step[0] + ": " + e);
            return "node " + node + ": failed at " + step[0] + ": " + e.getMessage();
        }
    }

    // -----------------------------------------------------------------------------------------------------------------

    /** A request sent while the store is away, and how (and how fast) it was answered. */
    private record Probe(String name, JsonNode answer, Duration took) {

        boolean refusedInTime() {
            return answer != null && "UNAV".equals(answer.path("kind").asText())
                    && "STORE_UNAVAILABLE".equals(answer.path("why").asText()) && took.compareTo(REFUSAL_LIMIT) <= 0;
        }

        @Override
        public String toString() {
            return name + " → " + (answer == null ? "no answer" : answer.path("kind").asText() + "/"
                    + answer.path("why").asText()) + " in " + seconds(took);
        }
    }

    private static CompletableFuture<Probe> probe(String name, Wire client, String request) {
        return CompletableFuture.supplyAsync(() -> {
            long sent = System.nanoTime();
            JsonNode answer;
            try {
                answer = client.request(request);
            } catch (AssertionError noAnswer) {
                answer = null;
            }
            return new Probe(name, answer, since(sent));
        });
    }

    /**
     * Fresh sessions, {@code perNode} on each app node (node 0, 1, 2, 0, 1, 2, ...), all in one new room created by
     * the first.
     */
    private static List<ResumingClient> room(String scenario, int perNode) {
        String roomId = scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<ResumingClient> members = new ArrayList<>();
        if (observer == null) {
            // On the last store node: the one scenarios never kill.
            observer = new HistoryObserver(cluster.store(STORE_NODES - 1).hotRodAddress());
        }
        try {
            for (int i = 0; i < perNode; i++) {
                for (int node = 0; node < APP_NODES; node++) {
                    members.add(cluster.client(scenario, node).hello());
                }
            }
            members.get(0).createRoom(roomId);
            members.subList(1, members.size()).forEach(member -> member.joinRoom(roomId));
            return members;
        } catch (RuntimeException | AssertionError e) {
            close(members);
            throw e;
        }
    }

    /**
     * Every member sends {@code count} messages; every {@code directEvery}th goes to the next member in the list only
     * (who is on another node).
     */
    private static void traffic(List<ResumingClient> members, int count, Duration interval, int directEvery) {
        for (int i = 0; i < members.size(); i++) {
            ResumingClient addressee = members.get((i + 1) % members.size());
            AtomicInteger sent = new AtomicInteger();
            members.get(i).startTraffic(count, interval,
                    () -> directEvery > 0 && sent.incrementAndGet() % directEvery == 0 ? addressee.userId() : null);
        }
    }

    /**
     * Waits until the traffic is over, every message is acknowledged and every recipient has it (or {@link #SETTLE}
     * passes), then counts and reports.
     */
    private static Tally settle(String scenario, long started, List<ResumingClient> members) {
        try {
            await("all messages acknowledged and delivered").atMost(SETTLE).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        if (!members.stream().allMatch(ResumingClient::trafficDone)) {
                            return false;
                        }
                        if (!members.stream().allMatch(ResumingClient::allAnswered)) {
                            return false;
                        }
                        return Tally.of(scenario, Duration.ZERO, members).lost == 0;
                    });
        } catch (ConditionTimeoutException e) {
            // Whatever is missing is counted as lost or unacknowledged below.
        }
        Tally tally = Tally.of(scenario, since(started), members);
        if (observer != null) {
            // Every seq is committed once: a history key written twice means two events were given one seq.
            Map<String, List<String>> rewritten = observer.rewrittenKeys();
            tally.diverged += rewritten.size();
            rewritten.forEach((key, writes) -> tally.problems.add("history key " + key + " written " + writes.size()
                    + " times: " + writes));
            if (!rewritten.isEmpty()) {
                ClusterReport.note(scenario + ": history keys written more than once (one seq, several events): "
                        + rewritten);
            }
        }
        ClusterReport.row(tally);
        ClusterReport.evidence(scenario, members);
        if (!tally.gaps.isEmpty()) {
            ClusterReport.note(scenario + ": seqs no member received (taken but never committed, or lost for all): "
                    + tally.gaps);
        }
        return tally;
    }

    private static void assertClean(Tally tally, List<ResumingClient> members) {
        String details = tally.row() + System.lineSeparator() + "problems:" + System.lineSeparator()
                + tally.problems() + System.lineSeparator() + "members:" + System.lineSeparator()
                + members.stream().map(member -> member + " resumes: " + member.log().resumeLog() + " errors: "
                        + member.log().errors().stream().limit(5).toList())
                        .collect(Collectors.joining(System.lineSeparator()));
        assertThat(Map.of("unacked", tally.unacked, "refused", tally.refused, "lost", tally.lost, "duplicated",
                tally.duplicated, "out of order", tally.outOfOrder, "diverged", tally.diverged))
                .as(details).allSatisfy((what, count) -> assertThat(count).as(what + ": " + details).isZero());
        for (ResumingClient member : members) {
            List<String> resumeLog = member.log().resumeLog();
            assertThat(member.log().failedResumes()).as("%s could always resume: %s", member, resumeLog).isZero();
            assertThat(member.log().unrecoveredResumes()).as("%s resumed with full replay: %s", member, resumeLog)
                    .isZero();
        }
    }

    private static long acknowledged(List<ResumingClient> members) {
        return members.stream().mapToLong(ResumingClient::acknowledged).sum();
    }

    private static List<ResumingClient> homedOn(List<ResumingClient> members, int node) {
        return IntStream.range(0, members.size()).filter(i -> i % APP_NODES == node).mapToObj(members::get).toList();
    }

    private static long count(ResumingClient client, String kind, String subject) {
        return client.log().received().stream()
                .filter(event -> kind.equals(event.kind()) && subject.equals(event.subject()))
                .count();
    }

    private static void close(List<ResumingClient> clients) {
        clients.forEach(ResumingClient::close);
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    private static String seconds(long startedNanos) {
        return seconds(since(startedNanos));
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}

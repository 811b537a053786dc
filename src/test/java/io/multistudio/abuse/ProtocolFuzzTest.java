package io.multistudio.abuse;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Logger;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.multistudio.protocol.Why;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Property: whatever a client sends, in whatever state, the server answers exactly what PROTOCOL.md prescribes, with
 * exactly one direct answer per request, never an internal error, never a hang, and every other client receives
 * exactly the room events it should. Frames are random and mutated (seeded generators with edge cases, {@link FrameGen}); the oracle is
 * {@link World}. Run length: {@code -Dfuzz.frames} (default 10,000), seed: {@code -Dfuzz.seed}. See docs/testing.md.
 */
@QuarkusTest
@TestProfile(ProtocolFuzzTest.Unthrottled.class)
class ProtocolFuzzTest {

    /** The rate limit is not under test here; nor is the hello timeout (clients wait between their frames). */
    public static class Unthrottled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.rate-limit", "1000000", "multistudio.rate-burst", "1000000",
                    "multistudio.hello-timeout", "1h");
        }
    }

    private static final int ACTORS = 5;

    @TestHTTPResource("/ws")
    URI uri;

    private World world;
    private FrameGen gen;
    private long sentinels;
    /** The last steps, for the context of a violation. */
    private final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
    /** The input class of the text frame being checked. */
    private String currentClass;
    private final FuzzReport report = new FuzzReport();

    /** A protocol violation: recorded, then the world is reset so that the run goes on. */
    private static final class Violation extends RuntimeException {
        Violation(String message) {
            super(message, null, false, false);
        }
    }

    @Test
    void everyFrameGetsTheSpecifiedAnswer() throws IOException {
        int frames = Integer.getInteger("fuzz.frames", 10_000);
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        gen = new FrameGen(seed);
        world = new World();
        for (int i = 0; i < ACTORS; i++) {
            world.actors.add(new Actor(i, Wire.connect(uri)));
        }
        Handler errors = report.captureServerErrors();
        long started = System.nanoTime();
        try {
            // The model recurses into frames thousands of levels deep: run it on a thread with a deep stack.
            Throwable[] failure = new Throwable[1];
            Thread runner = new Thread(null, () -> {
                try {
                    for (int i = 0; i < frames; i++) {
                        step(i);
                    }
                    finish();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }, "fuzz", 1L << 29);
            runner.start();
            runner.join();
            if (failure[0] != null) {
                throw new IllegalStateException("the fuzz run failed", failure[0]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Logger.getLogger("").removeHandler(errors);
            world.actors.forEach(actor -> actor.ws.close());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String text = printable(report.render(frames, seed, seconds)).replace("\\u000a", "\n");
        System.out.println(text);
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("fuzz-report.md"), text, StandardCharsets.UTF_8);
        assertThat(report.serverErrors()).as("errors the server logged").isEmpty();
        assertThat(report.violations()).as("protocol violations (seed %d, %d frames); summary: %s", seed, frames,
                report.violationsByKind()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------- steps

    private void step(int index) {
        currentClass = null;
        Actor actor = gen.pick(world.actors);
        int which = gen.random().nextInt(1000);
        String stepClass = "?";
        String frame = null;
        try {
            if (which < 8) {
                stepClass = "take-over with a live session's token";
                takeOver(actor);
            } else if (which < 30) {
                stepClass = "oversized frame (> 64 KiB), on a throwaway connection";
                oversized();
            } else if (which < 50) {
                stepClass = "binary frame";
                binary(actor);
            } else {
                frame = textFrame(actor, which);
                if (Json.utf8Length(frame) > World.MAX_FRAME_BYTES) {
                    stepClass = "oversized frame (> 64 KiB), on a throwaway connection";
                    oversized(frame);
                } else {
                    stepClass = text(actor, frame);
                }
            }
            remember(index + " " + actor + " [" + stepClass + "] " + (frame == null ? "" : Checks.abbreviate(frame)));
        } catch (AssertionError | RuntimeException failure) {
            if (currentClass != null) {
                stepClass = currentClass;
            }
            String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            String kind = stepClass + ": " + printable(message).replaceAll("\\d+", "N");
            kind = kind.length() > 110 ? kind.substring(0, 110) + "…" : kind;
            String example = "frame " + index + " [" + stepClass + "] by " + actor + ": " + printable(message)
                    + (frame == null ? "" : "\n      frame: " + printable(Checks.abbreviate(frame)));
            report.violation(stepClass, kind, example, String.join("\n        ", recent));
            reset();
        }
    }

    private void remember(String step) {
        recent.addLast(printable(step));
        if (recent.size() > 8) {
            recent.removeFirst();
        }
    }

    /** Builds the next text frame: a plausible request, a mutated one, an envelope variant, or garbage. */
    private String textFrame(Actor actor, int which) {
        ObjectNode request = gen.request(world, actor);
        if (which < 450) {
            // mostly valid
        } else if (which < 800) {
            gen.mutate(request);
        } else if (which < 880) {
            if (gen.chance(50)) {
                request.set("rid", gen.badValue());
            } else {
                request.set("kind", gen.chance(50) ? gen.badValue() : Json.NODES.textNode(gen.nearMissKind(
                        request.path("kind").asText())));
            }
        } else if (which < 990) {
            return gen.garbage(Json.write(request, gen.random()));
        } else {
            // Exactly at, or just under, the frame limit: still an ordinary request.
            String unit = gen.chance(50) ? "x" : gen.pick(List.of("é", "😀", "€"));
            return FrameGen.padTo(Json.write(request, null), World.MAX_FRAME_BYTES - gen.random().nextInt(2), unit);
        }
        return Json.write(request, gen.random());
    }

    /** One text frame from {@code actor}: its events first, then exactly the expected answer, then the sentinel's. */
    private String text(Actor actor, String frame) {
        Expect expect = world.expect(actor, frame);
        String stepClass = classOf(expect, frame);
        currentClass = stepClass;
        FuzzReport.ClassStats classStats = report.frame(stepClass);
        boolean mayClose = expect.closeAfterSuccess != null && expect.successPossible();
        actor.ws.send(frame);
        String sentinel = mayClose ? null : sendSentinel(actor);
        drainEvents(actor);
        JsonNode answer = next(actor, "the answer");
        if (sentinel != null && sentinel.equals(answer.path("rid").asText(null))) {
            throw new Violation("no answer before the next request's (" + answer.path("kind").asText() + ")"
                    + lateAnswer(actor, expect));
        }
        String outcome = check(expect, answer, classStats);
        classStats.outcomes.merge(outcome, 1L, Long::sum);
        boolean success = !answer.has("why");
        if (mayClose) {
            if (success) {
                int code = actor.ws.awaitClose();
                if (code != expect.closeAfterSuccess) {
                    throw new Violation("closed with " + code + ", expected " + expect.closeAfterSuccess);
                }
                actor.fresh(Wire.connect(uri));
                return stepClass;
            }
            sentinel = sendSentinel(actor);
        }
        expectSentinel(actor, sentinel);
        return stepClass;
    }

    private static String classOf(Expect expect, String frame) {
        String base = expect.inputClass;
        JsonNode tree = Json.parse(frame);
        if (tree != null && Json.hasUnpairedSurrogate(tree)) {
            return "unicode: escaped unpaired surrogates (any kind)";
        }
        if (tree != null && Json.depth(tree) > 64 && Json.depth(tree) <= World.PARSER_MAX_DEPTH) {
            return "deep nesting (65..1000 levels)";
        }
        if (Json.utf8Length(frame) > 60_000) {
            return "huge frame (60 KiB .. 64 KiB)";
        }
        return base;
    }

    /** Compares one direct answer with the expectation; applies a success to the model. */
    private String check(Expect expect, JsonNode answer, FuzzReport.ClassStats classStats) {
        if (!answer.isObject() || !answer.path("kind").isTextual()) {
            String text = answer.toString();
            throw new Violation("answer is not a JSON object with a string kind: "
                    + (text.length() > 8000 ? text.substring(0, 8000) + "…" : text));
        }
        String kind = answer.path("kind").asText();
        if ("FAIL".equals(kind) || "INTERNAL".equals(answer.path("why").asText())) {
            throw new Violation("internal error " + answer + ", expected " + expect);
        }
        if (answer.has("why")) {
            String why = answer.path("why").asText();
            String code = Arrays.stream(Why.values()).filter(known -> known.name().equals(why)).findFirst()
                    .map(Why::code).orElse(null);
            if (code == null || !code.equals(kind)) {
                throw new Violation("error " + kind + "/" + why + " is not in the 4CC table");
            }
            String keyed = "FIELD_INVALID".equals(why) ? why + "@" + answer.path("field").asText("(no field)") : why;
            boolean expected = expect.errors.contains(keyed);
            boolean tolerated = expect.tolerated.contains(keyed);
            boolean limited = expect.limits.contains(keyed);
            if (!expected && !tolerated && !limited) {
                throw new Violation("answered " + kind + "/" + keyed + ", expected " + expect);
            }
            // Without a parsed object there is no rid to echo; RID_INVALID never echoes one.
            boolean noRid = "RID_INVALID".equals(why) || "MALFORMED_JSON".equals(why) || "NOT_AN_OBJECT".equals(why);
            String rid = noRid ? null : expect.rid;
            checkRid(answer, rid, expect);
            if (!expected && tolerated) {
                classStats.tolerated++;
            } else if (!expected) {
                classStats.limits++;
            }
            return kind + "/" + keyed.replaceAll("@.*", "");
        }
        if (!expect.successPossible()) {
            throw new Violation("answered " + Checks.abbreviate(answer.toString()) + ", expected " + expect);
        }
        if (!expect.successKind.equals(kind)) {
            throw new Violation("answered " + kind + ", expected " + expect);
        }
        checkRid(answer, expect.rid, expect);
        String problem = expect.onSuccess.apply(answer);
        if (problem != null) {
            throw new Violation(kind + ": " + problem);
        }
        if (!expect.tolerated.isEmpty() && expect.errors.isEmpty()) {
            classStats.tolerated++;
        }
        return kind;
    }

    private static void checkRid(JsonNode answer, String rid, Expect expect) {
        if (rid == null ? answer.has("rid") : !rid.equals(answer.path("rid").asText(null))) {
            throw new Violation("rid " + (answer.has("rid") ? Json.quote(answer.path("rid").asText()) : "absent")
                    + ", expected " + (rid == null ? "none" : Json.quote(rid)) + " in "
                    + Checks.abbreviate(answer.toString()));
        }
    }

    /** Whether a missing answer comes after all, and how late. */
    private static String lateAnswer(Actor actor, Expect expect) {
        long started = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> actor.ws.pending() > 0);
        } catch (ConditionTimeoutException nothing) {
            return "; nothing came within 5 s (expected " + expect + ")";
        }
        JsonNode late = actor.ws.next();
        return "; " + Checks.abbreviate(late.toString()) + " came " + (System.nanoTime() - started) / 1_000_000
                + " ms after it";
    }

    private String sendSentinel(Actor actor) {
        String rid = "~s" + ++sentinels;
        actor.ws.send("{\"kind\":\"PING\",\"rid\":\"" + rid + "\"}");
        return rid;
    }

    /** The sentinel's answer must come next: anything before it is an extra answer. */
    private void expectSentinel(Actor actor, String rid) {
        JsonNode next = next(actor, "the sentinel PING's answer");
        if (!rid.equals(next.path("rid").asText())) {
            List<String> extra = new ArrayList<>();
            while (!rid.equals(next.path("rid").asText()) && extra.size() < 10) {
                extra.add(Checks.abbreviate(next.toString()));
                next = next(actor, "the sentinel PING's answer");
            }
            throw new Violation("extra message(s) after the answer: " + extra);
        }
        String kind = next.path("kind").asText();
        if (!kind.equals(actor.hello ? "PONG" : "STAT")) {
            throw new Violation("sentinel PING answered " + next + " for " + actor);
        }
    }

    /** The room events the actor must have received since it last acted, in order, none with a rid. */
    private void drainEvents(Actor actor) {
        while (!actor.expected.isEmpty()) {
            Event event = actor.expected.poll();
            JsonNode message = next(actor, "event " + event.description());
            if (message.has("rid")) {
                throw new Violation("an event carries a rid: " + Checks.abbreviate(message.toString()));
            }
            String problem = event.check().apply(message);
            if (problem != null) {
                throw new Violation("expected event " + event.description() + ", got " + Checks.abbreviate(message.toString())
                        + ": " + problem);
            }
        }
    }

    private static JsonNode next(Actor actor, String what) {
        try {
            return actor.ws.next();
        } catch (AssertionError timeout) {
            throw new Violation("no message within " + Wire.TIMEOUT + " while waiting for " + what
                    + (actor.ws.isClosed() ? " (connection closed with " + actor.ws.awaitClose() + ")" : " (hang)"));
        }
    }

    private void binary(Actor actor) {
        FuzzReport.ClassStats classStats = report.frame("binary frame");
        byte[] bytes;
        if (gen.chance(50)) {
            bytes = "{\"kind\":\"PING\",\"rid\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            bytes = new byte[gen.random().nextInt(2000)];
            gen.random().nextBytes(bytes);
        }
        actor.ws.sendBinary(bytes);
        String sentinel = sendSentinel(actor);
        drainEvents(actor);
        JsonNode answer = next(actor, "the answer");
        Expect expect = new Expect("binary frame").error("BINARY_FRAME");
        classStats.outcomes.merge(check(expect, answer, classStats), 1L, Long::sum);
        expectSentinel(actor, sentinel);
    }

    private void oversized() {
        ObjectNode request = gen.request(world, world.actors.get(0));
        int bytes = gen.pick(List.of(65_537, 65_538, 66_000, 100_000, 1_000_000));
        oversized(FrameGen.padTo(Json.write(request, null), bytes, gen.pick(List.of("x", "é", "😀"))));
    }

    /** A frame over the limit: MESSAGE_TOO_LARGE without rid, then close 1009. On its own connection. */
    private void oversized(String frame) {
        FuzzReport.ClassStats classStats = report.frame("oversized frame (> 64 KiB), on a throwaway connection");
        try (Wire throwaway = Wire.connect(uri)) {
            if (gen.chance(50)) {
                JsonNode hello = throwaway.request("{\"kind\":\"HELLO\",\"rid\":\"h\"}");
                if (!"HELLO".equals(hello.path("kind").asText())) {
                    throw new Violation("HELLO answered " + hello);
                }
            }
            throwaway.send(frame);
            JsonNode answer = throwaway.next();
            Expect expect = new Expect("oversized").error("MESSAGE_TOO_LARGE");
            classStats.outcomes.merge(check(expect, answer, classStats), 1L, Long::sum);
            int code = throwaway.awaitClose();
            if (code != 1009) {
                throw new Violation("closed with " + code + " after MESSAGE_TOO_LARGE, expected 1009");
            }
        }
    }

    /**
     * A new connection resumes a session that is still attached: the old connection gets SESSION_TAKEN_OVER and 4000,
     * the new one the same user (name and data of the request ignored) and its room, the room sees the user back.
     * The presented token is consumed: presenting it again gives a fresh session.
     */
    private void takeOver(Actor actor) {
        if (!actor.hello) {
            return;
        }
        FuzzReport.ClassStats classStats = report.frame("take-over with a live session's token");
        String oldToken = actor.token;
        // What the old connection had coming first, so that last_seq below is the last event it processed.
        drainEvents(actor);
        Wire fresh = Wire.connect(uri);
        ObjectNode hello = Json.NODES.objectNode().put("kind", "HELLO").put("rid", "t" + sentinels)
                .put("reconnect_token", oldToken).put("name", gen.name());
        hello.set("data", Json.NODES.objectNode().put("level", gen.random().nextInt(10)));
        if (actor.room != null) {
            hello.put("last_seq", actor.lastSeq);
        }
        String text = Json.write(hello, gen.random());
        // name and data are ignored on a resume; whether invalid ones still fail the HELLO is left open.
        Expect validity = world.expect(new Actor(-1, null), text);
        fresh.send(text);
        JsonNode answer = fresh.next();
        if (answer.has("why")) {
            String why = answer.path("why").asText();
            String keyed = "FIELD_INVALID".equals(why) ? why + "@" + answer.path("field").asText() : why;
            if (!validity.errors.contains(keyed) && !validity.tolerated.contains(keyed)) {
                throw new Violation("take-over answered " + answer + ", expected a resume");
            }
            classStats.outcomes.merge(answer.path("kind").asText() + "/" + why, 1L, Long::sum);
            fresh.close();
            return;
        }
        if (!validity.errors.isEmpty()) {
            classStats.tolerated++;
        }
        // The old connection: the take-over.
        JsonNode denied = next(actor, "SESSION_TAKEN_OVER");
        if (!"DENY".equals(denied.path("kind").asText()) || !"SESSION_TAKEN_OVER".equals(denied.path("why").asText())
                || denied.has("rid")) {
            throw new Violation("old connection got " + denied + ", expected DENY/SESSION_TAKEN_OVER without rid");
        }
        int code = actor.ws.awaitClose();
        if (code != 4000) {
            throw new Violation("old connection closed with " + code + ", expected 4000");
        }
        actor.ws = fresh;
        String rid = hello.path("rid").asText();
        if (!"HELLO".equals(answer.path("kind").asText()) || !answer.path("reconnected").asBoolean(false)
                || !rid.equals(answer.path("rid").asText())) {
            throw new Violation("take-over answered " + answer + ", expected HELLO reconnected:true rid " + rid);
        }
        String problem = Checks.memberProblem(((ObjectNode) answer.path("user").deepCopy()).put("connected", true),
                actor.userId, actor.name, actor.data);
        if (problem != null) {
            throw new Violation("resumed user differs: " + problem);
        }
        String newToken = answer.path("reconnect_token").asText();
        if (newToken.isEmpty() || newToken.equals(oldToken)) {
            throw new Violation("a resume must issue a new token");
        }
        actor.token = newToken;
        classStats.outcomes.merge("HELLO reconnected", 1L, Long::sum);
        if (actor.room != null) {
            RoomModel room = world.rooms.get(actor.room);
            JsonNode joined = next(actor, "JOINED_ROOM after the resume");
            if (!"JOINED_ROOM".equals(joined.path("kind").asText()) || !rid.equals(joined.path("rid").asText())
                    || !joined.path("recovered").asBoolean(false)) {
                throw new Violation("after a resume in a room expected JOINED_ROOM rid " + rid
                        + " recovered:true, got " + Checks.abbreviate(joined.toString()));
            }
            String roomProblem = Checks.joined(world, joined, room, actor, true);
            if (roomProblem != null) {
                throw new Violation("resumed JOINED_ROOM: " + roomProblem);
            }
            actor.lastSeq = joined.path("seq").asLong();
            for (String other : room.members) {
                if (!other.equals(actor.userId)) {
                    Actor member = world.byUser(other);
                    String back = actor.userId;
                    member.expected.add(new Event("USER_BACK " + back, event -> Checks.roomEvent(member, event,
                            "USER_BACK", room.id, () -> back.equals(event.path("user_id").asText()) ? null
                                    : "expected user_id " + back)));
                }
            }
        }
        expectSentinel(actor, sendSentinel(actor));
        if (gen.chance(50)) {
            try (Wire late = Wire.connect(uri)) {
                JsonNode again = late.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + Json.quote(oldToken) + "}");
                if (again.path("reconnected").asBoolean(true) || actor.userId.equals(again.path("user").path("id").asText())) {
                    throw new Violation("a consumed token resumed again: " + again);
                }
                late.close(1000);
            }
        }
    }

    /** After a violation the model may be wrong: every actor starts over, their rooms are left to the server. */
    private void reset() {
        world.tainted = true;
        world.foreignRooms.addAll(world.rooms.keySet());
        world.rooms.clear();
        for (Actor actor : world.actors) {
            actor.ws.close();
            actor.fresh(Wire.connect(uri));
        }
    }

    /** Every actor must have received exactly its expected events; then every session ends with BYE. */
    private void finish() {
        for (Actor actor : world.actors) {
            try {
                String sentinel = sendSentinel(actor);
                drainEvents(actor);
                expectSentinel(actor, sentinel);
            } catch (Violation violation) {
                report.finalViolation(actor, violation.getMessage());
            }
        }
    }

    /** Text safe to print: controls and unpaired surrogates escaped. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !paired) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

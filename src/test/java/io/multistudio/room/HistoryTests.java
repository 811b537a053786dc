package io.multistudio.room;

import static io.multistudio.transport.EnvelopeTest.assertError;
import static io.multistudio.room.RoomTests.gather;
import static io.multistudio.room.RoomTests.id;
import static io.multistudio.room.RoomTests.newRoomId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * PROTOCOL.md §2.7b: HISTORY and JOIN_ROOM's history; and a catch-up that the node answers without the history.
 * Run once per engine.
 */
abstract class HistoryTests {

    @TestHTTPResource("/ws")
    URI uri;

    /** Where the engine's calls are counted. */
    @Inject
    MeterRegistry registry;

    @Test
    void aResumeAndAPageOnTheNodeThatDeliveredTheirEventsReadNoHistory() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            gather(newRoomId(), ada, bob);
            String token = bob.helloAnswer().path("reconnect_token").asText();
            long lastSeq = ada.request("{\"kind\":\"SEND\",\"rid\":\"s\",\"data\":\"seen\"}").path("seq").asLong();
            assertThat(bob.next().path("seq").asLong()).isEqualTo(lastSeq);
            bob.drop();
            assertThat(ada.next().path("kind").asText()).isEqualTo("USER_AWAY");
            List<JsonNode> missed = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                missed.add(ada.request("{\"kind\":\"SEND\",\"rid\":\"s\",\"data\":" + i + "}").path("data"));
            }
            double reads = historyReads();

            try (Wire back = Wire.connect(uri)) {
                JsonNode hello = back.request("{\"kind\":\"HELLO\",\"reconnect_token\":\"" + token
                        + "\",\"last_seq\":" + lastSeq + "}");
                assertThat(hello.path("reconnected").asBoolean()).as("%s", hello).isTrue();
                JsonNode joined = back.next();
                assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
                assertThat(joined.path("recovered").asBoolean()).isTrue();
                assertThat(back.next(3)).extracting(replayed -> replayed.path("data"))
                        .containsExactlyElementsOf(missed);
                JsonNode page = back.request("{\"kind\":\"HISTORY\",\"rid\":\"h\",\"limit\":2}");
                assertThat(page.path("more").asBoolean()).isTrue();
                assertThat(elements(page.path("events"))).extracting(event -> event.path("data"))
                        .containsExactlyElementsOf(missed.subList(1, 3));
            }
            assertThat(historyReads()).as("events this node delivered a moment ago are not read back").isEqualTo(reads);
        }
    }

    private double historyReads() {
        Timer reads = registry.find("multistudio.engine.operation").tag("map", "history").tag("operation", "get_all")
                .timer();
        return reads == null ? 0 : reads.count();
    }

    @Test
    void historyPagesBackThroughWhatTheMemberReceivedLiveOldestFirst() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            String room = newRoomId();
            gather(room, ada, bob);
            for (int i = 0; i < 60; i++) {
                ada.send("{\"kind\":\"SEND\",\"data\":" + i + "}");
            }
            ada.next(60);
            List<JsonNode> live = bob.next(60);

            JsonNode latest = bob.request("{\"kind\":\"HISTORY\",\"rid\":\"h\"}");
            assertThat(latest.path("kind").asText()).isEqualTo("HISTORY");
            assertThat(latest.path("rid").asText()).isEqualTo("h");
            assertThat(latest.path("room").asText()).isEqualTo(room);
            assertThat(latest.path("more").asBoolean()).isTrue();
            assertThat(elements(latest.path("events"))).containsExactlyElementsOf(live.subList(10, 60));

            JsonNode older = bob.request("{\"kind\":\"HISTORY\",\"before\":" + live.get(10).path("seq")
                    + ",\"limit\":100}");
            assertThat(older.path("more").asBoolean()).isFalse();
            assertThat(elements(older.path("events"))).containsExactlyElementsOf(live.subList(0, 10));

            JsonNode few = bob.request("{\"kind\":\"HISTORY\",\"before\":" + live.get(3).path("seq") + ",\"limit\":2}");
            assertThat(few.path("more").asBoolean()).isTrue();
            assertThat(elements(few.path("events"))).containsExactlyElementsOf(live.subList(1, 3));
        }
    }

    @Test
    void aDirectMessageIsInTheHistoryOfItsSenderAndTargetOnly() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob");
                Wire cy = Wire.hello(uri, "Cy")) {
            gather(newRoomId(), ada, bob, cy);
            JsonNode direct = ada.request("{\"kind\":\"SEND\",\"to\":\"" + id(bob) + "\",\"data\":\"psst\"}");
            JsonNode broadcast = ada.request("{\"kind\":\"SEND\",\"data\":\"all\"}");
            assertThat(bob.next(2)).extracting(message -> message.path("seq")).containsExactly(direct.path("seq"),
                    broadcast.path("seq"));
            cy.next();
            for (Wire reader : List.of(ada, bob)) {
                JsonNode history = reader.request("{\"kind\":\"HISTORY\",\"limit\":2}");
                assertThat(history.path("events").findValuesAsText("seq"))
                        .containsExactly(direct.path("seq").asText(), broadcast.path("seq").asText());
            }
            JsonNode seenByCy = cy.request("{\"kind\":\"HISTORY\",\"limit\":2}");
            assertThat(seenByCy.path("events").findValuesAsText("seq")).doesNotContain(direct.path("seq").asText())
                    .endsWith(broadcast.path("seq").asText());
        }
    }

    @Test
    void historyOutsideARoomIsRefused() {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            assertError(ada.request("{\"kind\":\"HISTORY\",\"rid\":\"h\"}"), "STAT", "NOT_IN_ROOM", "h");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "before|-1", "before|\"5\"", "before|1.5", "limit|0", "limit|101",
            "limit|\"10\"" })
    void beforeAndLimitAreChecked(String field, String value) {
        try (Wire ada = Wire.hello(uri, "Ada")) {
            gather(newRoomId(), ada);
            JsonNode answer = ada.request("{\"kind\":\"HISTORY\",\"rid\":\"h\",\"" + field + "\":" + value + "}");
            assertError(answer, "BADR", "FIELD_INVALID", "h");
            assertThat(answer.path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void joinWithHistorySendsTheLatestVisibleEventsRightAfterJoinedRoom() {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            String room = newRoomId();
            gather(room, ada, bob);
            List<JsonNode> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(ada.request("{\"kind\":\"SEND\",\"data\":" + i + "}"));
            }
            ada.request("{\"kind\":\"SEND\",\"to\":\"" + id(bob) + "\",\"data\":\"not for Cy\"}");
            bob.next(5);
            try (Wire cy = Wire.hello(uri, "Cy")) {
                JsonNode joined = cy.request("{\"kind\":\"JOIN_ROOM\",\"rid\":\"j\",\"room\":\"" + room
                        + "\",\"history\":3}");
                assertThat(joined.path("kind").asText()).isEqualTo("JOINED_ROOM");
                assertThat(joined.path("rid").asText()).isEqualTo("j");
                List<JsonNode> past = cy.next(3);
                assertThat(past).extracting(event -> event.path("seq"))
                        .containsExactly(sent.get(1).path("seq"), sent.get(2).path("seq"), sent.get(3).path("seq"));
                assertThat(past).allSatisfy(event -> assertThat(event.has("rid")).isFalse());
                assertThat(ada.next().path("kind").asText()).isEqualTo("USER_JOINED");
                JsonNode live = ada.request("{\"kind\":\"SEND\",\"data\":\"live\"}");
                assertThat(cy.next().path("seq")).isEqualTo(live.path("seq"));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({ "-1", "101", "'\"3\"'" })
    void joinHistoryIsChecked(String value) {
        try (Wire ada = Wire.hello(uri, "Ada"); Wire bob = Wire.hello(uri, "Bob")) {
            String room = newRoomId();
            gather(room, ada);
            JsonNode answer = bob.request("{\"kind\":\"JOIN_ROOM\",\"rid\":\"j\",\"room\":\"" + room
                    + "\",\"history\":" + value + "}");
            assertError(answer, "BADR", "FIELD_INVALID", "j");
            assertThat(answer.path("field").asText()).isEqualTo("history");
        }
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }
}

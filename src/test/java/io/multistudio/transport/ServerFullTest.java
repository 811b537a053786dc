package io.multistudio.transport;

import static io.multistudio.transport.EnvelopeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** PROTOCOL.md §2.2: a node at its connection limit answers FULL/SERVER_FULL and closes with 1013. */
@QuarkusTest
@TestProfile(ServerFullTest.TwoConnections.class)
class ServerFullTest {

    public static class TwoConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.max-connections", "2");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void theConnectionOverTheLimitIsRefusedAndAFreedPlaceIsReused() {
        try (Wire first = Wire.hello(uri, "A"); Wire second = Wire.connect(uri)) {
            try (Wire third = Wire.connect(uri)) {
                assertError(third.next(), "FULL", "SERVER_FULL", null);
                assertThat(third.awaitClose()).isEqualTo(1013);
            }
            second.close(1000);
            try (Wire again = Wire.hello(uri, "B")) {
                assertThat(again.helloAnswer().path("reconnected").asBoolean(true)).isFalse();
            }
        }
    }
}

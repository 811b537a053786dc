package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * PROTOCOL.md §2.7: with an origin allow-list, an upgrade from another Origin gets HTTP 403, and one without an Origin
 * (not a browser) is let in.
 */
@QuarkusTest
@TestProfile(OriginCheckTest.OneOrigin.class)
class OriginCheckTest {

    public static class OneOrigin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("multistudio.allowed-origins", "https://studio.example, https://other.example");
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @Test
    void anAllowedOriginConnects() {
        try (Wire client = Wire.connect(uri, Map.of("Origin", "https://studio.example"))) {
            assertThat(client.request("{\"kind\":\"HELLO\"}").path("kind").asText()).isEqualTo("HELLO");
        }
    }

    @Test
    void anotherOriginIsRefusedWith403() {
        assertRefusedWith403(() -> Wire.connect(uri, Map.of("Origin", "https://evil.example")));
    }

    @Test
    void aClientWithoutOriginConnects() {
        try (Wire client = Wire.connect(uri)) {
            assertThat(client.request("{\"kind\":\"HELLO\"}").path("kind").asText()).isEqualTo("HELLO");
        }
    }

    private static void assertRefusedWith403(ThrowingCallable connect) {
        assertThatThrownBy(connect).cause()
                .isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(failure -> assertThat(((WebSocketHandshakeException) failure).getResponse().statusCode())
                        .isEqualTo(403));
    }
}

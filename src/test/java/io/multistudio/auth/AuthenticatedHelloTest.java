package io.multistudio.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.multistudio.testsupport.Wire;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * PROTOCOL.md §2.2 with authentication on: {@code HELLO} needs a JWT that verifies, the user is its subject, and a
 * reconnect token resumes only for that subject.
 */
@QuarkusTest
@TestProfile(AuthenticatedHelloTest.AuthOn.class)
class AuthenticatedHelloTest {

    /** The name comes from a claim other than the default, to show the setting is honoured. */
    static final String NAME_CLAIM = "preferred_username";

    public static class AuthOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = TestJwt.authConfig();
            config.put("multistudio.auth.name-claim", NAME_CLAIM);
            return config;
        }
    }

    @TestHTTPResource("/ws")
    URI uri;

    @ParameterizedTest
    @ValueSource(strings = { "", ",\"auth\":null" })
    void aHelloWithoutAuthIsRefusedAndACorrectedHelloOnTheSameConnectionWorks(String auth) {
        try (Wire client = Wire.connect(uri)) {
            assertError(client.request("{\"kind\":\"HELLO\",\"rid\":\"h1\",\"name\":\"Ada\"" + auth + "}"), "DENY",
                    "AUTH_REQUIRED", "h1");
            assertError(client.request("{\"kind\":\"PING\",\"rid\":\"p1\"}"), "STAT", "HELLO_REQUIRED", "p1");
            JsonNode hello = client.request(hello("h2", TestJwt.token("ada")));
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
            assertThat(hello.path("rid").asText()).isEqualTo("h2");
            assertThat(hello.path("user").path("id").asText()).isEqualTo(Authenticator.userId(TestJwt.ISSUER, "ada"));
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
        }
    }

    static Stream<Arguments> invalidAuth() {
        long now = System.currentTimeMillis() / 1000;
        return Stream.of(
                Arguments.of("signed by another key", quote(TestJwt.claims("ada").sign(TestJwt.otherKey()))),
                Arguments.of("expired", quote(TestJwt.sign(TestJwt.claims("ada").issuedAt(now - 7200)
                        .expiresAt(now - 3600)))),
                Arguments.of("wrong audience", quote(TestJwt.sign(TestJwt.claims("ada").audience("another-app")))),
                Arguments.of("wrong issuer", quote(TestJwt.sign(Jwt.issuer("https://elsewhere.test")
                        .audience(TestJwt.AUDIENCE).subject("ada").expiresIn(3600)))),
                Arguments.of("no subject", quote(TestJwt.sign(Jwt.issuer(TestJwt.ISSUER).audience(TestJwt.AUDIENCE)
                        .claim("upn", "ada").expiresIn(3600)))),
                Arguments.of("unsigned (alg none)", quote(unsigned("ada"))),
                Arguments.of("not a JWT", quote("not-a-jwt")),
                Arguments.of("empty", quote("")),
                Arguments.of("a number", "42"),
                Arguments.of("an object", "{\"token\":\"x\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidAuth")
    void anInvalidAuthIsRefusedAndTheConnectionStaysOpenForACorrectedHello(String why, String auth) {
        try (Wire client = Wire.connect(uri)) {
            JsonNode refused = client.request("{\"kind\":\"HELLO\",\"rid\":\"bad\",\"auth\":" + auth + "}");
            assertError(refused, "DENY", "AUTH_INVALID", "bad");
            JsonNode hello = client.request(hello("good", TestJwt.token("ada")));
            assertThat(hello.path("kind").asText()).isEqualTo("HELLO");
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void theUserIdIsStableAcrossSessionsAndTheDefaultNameComesFromTheConfiguredClaim() {
        String token = TestJwt.sign(TestJwt.claims("grace@example.com").claim(NAME_CLAIM, "  Grace Hopper ")
                .claim("name", "not this one"));
        String firstId;
        try (Wire first = Wire.connect(uri)) {
            JsonNode hello = first.request(hello("1", token));
            firstId = hello.path("user").path("id").asText();
            assertThat(hello.path("user").path("name").asText()).isEqualTo("Grace Hopper");
            first.request("{\"kind\":\"BYE\"}");
        }
        assertThat(firstId).matches("u_[A-Za-z0-9_-]{22}").doesNotContain("grace");
        try (Wire second = Wire.connect(uri)) {
            JsonNode hello = second.request("{\"kind\":\"HELLO\",\"name\":\"Amazing Grace\",\"auth\":"
                    + quote(TestJwt.sign(TestJwt.claims("grace@example.com"))) + "}");
            assertThat(hello.path("user").path("id").asText()).isEqualTo(firstId);
            assertThat(hello.path("user").path("name").asText()).isEqualTo("Amazing Grace");
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
        }
        try (Wire other = Wire.connect(uri)) {
            JsonNode hello = other.request(hello("3", TestJwt.token("grace@example.org")));
            assertThat(hello.path("user").path("id").asText()).isNotEqualTo(firstId);
            assertThat(hello.path("user").path("name").asText()).startsWith("guest-");
        }
    }

    @Test
    void aResumeNeedsTheSessionsOwnSubject() {
        String adaAuth = TestJwt.token("ada-resume");
        String bobAuth = TestJwt.token("bob-resume");
        Wire ada = Wire.connect(uri);
        JsonNode adaHello = ada.request(hello("1", adaAuth));
        String room = "auth-resume-" + System.nanoTime();
        ada.request("{\"kind\":\"CREATE_ROOM\",\"room\":\"" + room + "\"}");
        ada.drop();
        String stolen = adaHello.path("reconnect_token").asText();

        try (Wire thief = Wire.connect(uri)) {
            assertError(thief.request("{\"kind\":\"HELLO\",\"rid\":\"t\",\"reconnect_token\":" + quote(stolen) + "}"),
                    "DENY", "AUTH_REQUIRED", "t");
        }
        try (Wire bob = Wire.connect(uri)) {
            JsonNode hello = bob.request("{\"kind\":\"HELLO\",\"reconnect_token\":" + quote(stolen) + ",\"auth\":"
                    + quote(bobAuth) + "}");
            assertThat(hello.path("reconnected").asBoolean(true)).isFalse();
            assertThat(hello.path("user").path("id").asText())
                    .isEqualTo(Authenticator.userId(TestJwt.ISSUER, "bob-resume"))
                    .isNotEqualTo(adaHello.path("user").path("id").asText());
            assertThat(bob.request("{\"kind\":\"PING\"}").path("kind").asText()).isEqualTo("PONG");
        }
        try (Wire back = Wire.connect(uri)) {
            JsonNode hello = back.request("{\"kind\":\"HELLO\",\"rid\":\"r\",\"reconnect_token\":" + quote(stolen)
                    + ",\"auth\":" + quote(adaAuth) + "}");
            assertThat(hello.path("reconnected").asBoolean()).isTrue();
            assertThat(hello.path("user")).isEqualTo(adaHello.path("user"));
            JsonNode rejoined = back.next();
            assertThat(rejoined.path("kind").asText()).isEqualTo("JOINED_ROOM");
            assertThat(rejoined.path("room").path("id").asText()).isEqualTo(room);
            assertThat(rejoined.path("resumed").asBoolean()).isTrue();
        }
    }

    private static String hello(String rid, String auth) {
        return "{\"kind\":\"HELLO\",\"rid\":" + quote(rid) + ",\"auth\":" + quote(auth) + "}";
    }

    static void assertError(JsonNode message, String code, String why, String rid) {
        assertThat(message.path("kind").asText()).as("kind of %s", message).isEqualTo(code);
        assertThat(message.path("why").asText()).as("why of %s", message).isEqualTo(why);
        assertThat(message.path("rid").asText()).as("rid of %s", message).isEqualTo(rid);
    }

    private static String quote(String text) {
        return Wire.quote(text);
    }

    /** A token with {@code alg: none}: well formed, but signed by nobody. */
    private static String unsigned(String subject) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        long exp = System.currentTimeMillis() / 1000 + 3600;
        String header = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(("{\"iss\":\"" + TestJwt.ISSUER + "\",\"aud\":\"" + TestJwt.AUDIENCE
                + "\",\"sub\":\"" + subject + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + ".";
    }
}

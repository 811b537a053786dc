package io.multistudio.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the guard reads paths and {@code Authorization} headers. */
class OperatorApiFilterTest {

    @ParameterizedTest
    @ValueSource(strings = { "/api", "/api/", "/api/rooms", "api/stats", "/api/rooms/x/members/y" })
    void operatorPaths(String path) {
        assertThat(OperatorApiFilter.operatorPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/", "", "/apis", "/apix/rooms", "/q/openapi", "/ws", "/monitor/api", "/client/api" })
    void otherPaths(String path) {
        assertThat(OperatorApiFilter.operatorPath(path)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "Bearer abc|abc", "bearer abc|abc", "BEARER  abc |abc",
            "Bearer a.b.c|a.b.c", "Bearer\tabc|abc" })
    void bearerTokens(String header, String token) {
        assertThat(OperatorApiFilter.bearerToken(header)).isEqualTo(token);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "Bearer", "Bearer ", "Bearerabc", "Basic abc", "abc", "Token abc" })
    void notBearerTokens(String header) {
        assertThat(OperatorApiFilter.bearerToken(header)).isNull();
    }

    @Test
    void noHeaderNoToken() {
        assertThat(OperatorApiFilter.bearerToken(null)).isNull();
    }

    @Test
    void everyRefusalButTheDisabledApiChallengesForABearerToken() {
        assertThat(OperatorApiFilter.refusal(OperatorAccess.Verdict.ALLOWED)).isNull();
        assertThat(OperatorApiFilter.refusal(OperatorAccess.Verdict.DISABLED).getStatus()).isEqualTo(403);
        assertThat(OperatorApiFilter.refusal(OperatorAccess.Verdict.DISABLED).getHeaderString("WWW-Authenticate"))
                .isNull();
        assertThat(OperatorApiFilter.refusal(OperatorAccess.Verdict.MISSING).getStatus()).isEqualTo(401);
        assertThat(OperatorApiFilter.refusal(OperatorAccess.Verdict.INVALID).getStatus()).isEqualTo(401);
        assertThat(OperatorApiFilter.refusal(OperatorAccess.Verdict.NO_ROLE).getStatus()).isEqualTo(403);
        for (OperatorAccess.Verdict verdict : new OperatorAccess.Verdict[] { OperatorAccess.Verdict.MISSING,
                OperatorAccess.Verdict.INVALID, OperatorAccess.Verdict.NO_ROLE }) {
            assertThat(OperatorApiFilter.refusal(verdict).getHeaderString("WWW-Authenticate"))
                    .startsWith("Bearer realm=\"multistudio\"");
        }
    }
}

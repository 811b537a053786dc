package io.multistudio.auth;

import static io.multistudio.auth.TokenBindingWarning.warning;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TokenBindingWarningTest {

    private static final Optional<String> ISSUER = Optional.of("https://id.example.com");
    private static final Optional<List<String>> AUDIENCES = Optional.of(List.of("multistudio"));

    @Test
    void authenticationOffNeedsNeither() {
        assertThat(warning(false, Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void authenticationOnWithIssuerAndAudienceIsQuiet() {
        assertThat(warning(true, ISSUER, AUDIENCES)).isEmpty();
    }

    @Test
    void authenticationOnWithoutIssuerWarnsAboutTheIssuer() {
        assertThat(warning(true, Optional.empty(), AUDIENCES)).hasValueSatisfying(message -> assertThat(message)
                .contains("MP_JWT_VERIFY_ISSUER").doesNotContain("MP_JWT_VERIFY_AUDIENCES"));
    }

    @Test
    void authenticationOnWithoutAudienceWarnsAboutTheAudience() {
        assertThat(warning(true, ISSUER, Optional.empty())).hasValueSatisfying(message -> assertThat(message)
                .contains("MP_JWT_VERIFY_AUDIENCES").doesNotContain("MP_JWT_VERIFY_ISSUER"));
    }

    @Test
    void authenticationOnWithNeitherNamesBoth() {
        assertThat(warning(true, Optional.empty(), Optional.empty())).hasValueSatisfying(message -> assertThat(message)
                .contains("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES"));
    }

    @Test
    void blankValuesCountAsUnset() {
        assertThat(warning(true, Optional.of(" "), Optional.of(List.of("")))).hasValueSatisfying(
                message -> assertThat(message).contains("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES"));
    }
}

package io.multistudio.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reconnect tokens: {@code <user id>.<secret>}, of which only the secret's hash is stored. */
class TokensTest {

    @Test
    void aTokenNamesItsSessionAndMatchesOnlyItsOwnHash() {
        Tokens.Issued issued = Tokens.issue("u_ada.x");
        Tokens.Presented presented = Tokens.parse(issued.token()).orElseThrow();
        assertThat(presented.sessionId()).isEqualTo("u_ada.x");
        assertThat(presented.hash()).isEqualTo(issued.hash());
        assertThat(issued.token()).doesNotContain(issued.hash());
        assertThat(Tokens.issue("u_ada.x").hash()).isNotEqualTo(issued.hash());
    }

    @Test
    void aTamperedSecretHashesDifferently() {
        Tokens.Issued issued = Tokens.issue("u_ada");
        String tampered = issued.token().substring(0, issued.token().length() - 1)
                + (issued.token().endsWith("A") ? "B" : "A");
        assertThat(Tokens.parse(tampered).orElseThrow().hash()).isNotEqualTo(issued.hash());
    }

    @Test
    void whatCannotBeATokenIsNone() {
        assertThat(Tokens.parse(null)).isEmpty();
        assertThat(Tokens.parse("no-dot")).isEmpty();
        assertThat(Tokens.parse(".secret")).isEmpty();
        assertThat(Tokens.parse("u_ada.")).isEmpty();
        assertThat(Tokens.parse("u_ada." + "s".repeat(Tokens.MAX_LENGTH))).isEmpty();
    }
}

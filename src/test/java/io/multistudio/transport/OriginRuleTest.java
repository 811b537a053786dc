package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.TestConfig;

/** PROTOCOL.md §2.7's origin rule as a decision, for every combination of the two settings. */
class OriginRuleTest {

    private static final String LISTED = "multistudio.allowed-origins=https://studio.example";
    private static final String REQUIRED = "multistudio.require-origin=true";

    @Test
    void withoutSettingsEveryoneIsLetIn() {
        OriginCheck check = new OriginCheck(TestConfig.with());
        assertThat(check.permits("https://anywhere.example")).isTrue();
        assertThat(check.permits(null)).isTrue();
    }

    @Test
    void anAllowListRefusesOtherOriginsButNotClientsThatSendNone() {
        OriginCheck check = new OriginCheck(TestConfig.with(LISTED));
        assertThat(check.permits("https://studio.example")).isTrue();
        assertThat(check.permits("https://evil.example")).isFalse();
        assertThat(check.permits(null)).isTrue();
    }

    @Test
    void requiringAnOriginRefusesClientsThatSendNone() {
        assertThat(new OriginCheck(TestConfig.with(REQUIRED)).permits(null)).isFalse();
        OriginCheck listed = new OriginCheck(TestConfig.with(LISTED, REQUIRED));
        assertThat(listed.permits(null)).isFalse();
        assertThat(listed.permits("https://studio.example")).isTrue();
        assertThat(listed.permits("https://evil.example")).isFalse();
    }
}

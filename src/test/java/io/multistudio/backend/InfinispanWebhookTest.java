package io.multistudio.backend;

import java.util.Map;

import io.multistudio.testsupport.InfinispanProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(InfinispanWebhookTest.Hooked.class)
class InfinispanWebhookTest extends WebhookTests {

    public static class Hooked extends InfinispanProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return config();
        }
    }
}

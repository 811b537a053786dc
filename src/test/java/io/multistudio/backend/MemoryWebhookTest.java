package io.multistudio.backend;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(MemoryWebhookTest.Hooked.class)
class MemoryWebhookTest extends WebhookTests {

    public static class Hooked implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return config();
        }
    }
}

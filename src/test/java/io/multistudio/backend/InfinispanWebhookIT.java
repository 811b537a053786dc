package io.multistudio.backend;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

import io.multistudio.testsupport.AppProcess;

/** The webhook rules on the packaged server with the Infinispan engine, on the tests' real Infinispan server. */
class InfinispanWebhookIT extends WebhookTests {

    @BeforeAll
    static void start() {
        startServer("webhooks-infinispan", AppProcess.onSharedInfinispan(Map.of()));
    }
}

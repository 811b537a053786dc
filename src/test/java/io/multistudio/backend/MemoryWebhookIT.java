package io.multistudio.backend;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

/** The webhook rules on the packaged server with its default engine, the in-process memory. */
class MemoryWebhookIT extends WebhookTests {

    @BeforeAll
    static void start() {
        startServer("webhooks-memory", Map.of());
    }
}

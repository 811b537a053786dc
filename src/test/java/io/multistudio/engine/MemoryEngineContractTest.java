package io.multistudio.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.multistudio.engine.memory.MemoryEngine;

class MemoryEngineContractTest extends SharedMapContract {

    private static MemoryEngine engine;

    @BeforeAll
    static void startEngine() {
        engine = new MemoryEngine();
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @Override
    protected Engine engine() {
        return engine;
    }
}

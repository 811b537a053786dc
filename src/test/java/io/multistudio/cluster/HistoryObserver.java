package io.multistudio.cluster;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.infinispan.client.hotrod.RemoteCache;
import org.infinispan.client.hotrod.RemoteCacheManager;
import org.infinispan.client.hotrod.annotation.ClientCacheEntryCreated;
import org.infinispan.client.hotrod.annotation.ClientCacheEntryModified;
import org.infinispan.client.hotrod.annotation.ClientListener;
import org.infinispan.client.hotrod.configuration.ClientIntelligence;
import org.infinispan.client.hotrod.configuration.ConfigurationBuilder;
import org.infinispan.client.hotrod.event.ClientCacheEntryCustomEvent;
import org.infinispan.commons.GlobalContextInitializer;
import org.infinispan.commons.marshall.ProtoStreamMarshaller;
import org.infinispan.commons.util.KeyValueWithPrevious;

/**
 * Evidence, not a check of its own: watches the application's room history cache from the test JVM and records every
 * write of a history key ({@code <room instance>:<seq>}). Each seq is committed once, so a key written twice means two
 * events were committed with the same seq. It talks to one Infinispan node only (the one a scenario keeps alive).
 */
final class HistoryObserver implements AutoCloseable {

    static final String HISTORY_CACHE = "multistudio-history";

    private final RemoteCacheManager client;
    private final RemoteCache<String, String> history;
    private final Recorder recorder = new Recorder();

    HistoryObserver(String hotRodAddress) {
        client = new RemoteCacheManager(new ConfigurationBuilder()
                .addServers(hotRodAddress)
                .clientIntelligence(ClientIntelligence.BASIC)
                .build());
        // The server's converter ships each write's value and previous value as Infinispan's own message type.
        if (client.getMarshaller() instanceof ProtoStreamMarshaller protoStream
                && !protoStream.getSerializationContext().canMarshall(KeyValueWithPrevious.class)) {
            protoStream.register(GlobalContextInitializer.INSTANCE);
        }
        history = client.getCache(HISTORY_CACHE);
        history.addClientListener(recorder);
    }

    /**
     * History keys written again with a different event (a write that repeats the same value, such as a client retry
     * after a failover, is harmless), with the time and value of every write.
     */
    Map<String, List<String>> rewrittenKeys() {
        synchronized (recorder) {
            Map<String, List<String>> rewritten = new LinkedHashMap<>();
            recorder.writes.forEach((key, writes) -> {
                if (writes.stream().map(Write::value).distinct().count() > 1) {
                    rewritten.put(key, writes.stream().map(Write::toString).toList());
                }
            });
            return rewritten;
        }
    }

    /** One write of a history key. */
    record Write(LocalTime at, String kind, String value) {
        @Override
        public String toString() {
            return at + " " + kind + " " + value;
        }
    }

    int keysWritten() {
        synchronized (recorder) {
            return recorder.writes.size();
        }
    }

    @Override
    public void close() {
        try {
            history.removeClientListener(recorder);
        } catch (RuntimeException e) {
            // the server may be gone
        }
        client.close();
    }

    @ClientListener(converterFactoryName = "key-value-with-previous-converter-factory")
    public static final class Recorder {

        private final Map<String, List<Write>> writes = new LinkedHashMap<>();

        @ClientCacheEntryCreated
        public synchronized void created(ClientCacheEntryCustomEvent<KeyValueWithPrevious<String, String>> event) {
            record("created", event.getEventData());
        }

        @ClientCacheEntryModified
        public synchronized void modified(ClientCacheEntryCustomEvent<KeyValueWithPrevious<String, String>> event) {
            record("modified", event.getEventData());
        }

        private void record(String kind, KeyValueWithPrevious<String, String> data) {
            writes.computeIfAbsent(data.getKey(), k -> new ArrayList<>())
                    .add(new Write(LocalTime.now(), kind, summary(data.getValue())));
        }

        /** The event's text (the message as clients get it) is enough to tell two events apart. */
        private static String summary(String value) {
            if (value == null) {
                return null;
            }
            int text = value.indexOf("\"text\"");
            String shown = text >= 0 ? value.substring(text) : value;
            return shown.length() > 240 ? shown.substring(0, 240) : shown;
        }
    }
}

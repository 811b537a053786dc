package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** {@link Inbound} on its own: which frames count, when reading stops and when it starts again. */
class InboundTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicInteger pauses = new AtomicInteger();
    private final Inbound inbound = new Inbound(channel, pauses::incrementAndGet);

    InboundTest() {
        channel.pipeline().addLast(inbound);
    }

    @Test
    void readingStopsPastEightUnhandledMessagesAndStartsAgainAtTwo() {
        for (int i = 0; i < Inbound.PAUSE_ABOVE; i++) {
            channel.writeInbound(new TextWebSocketFrame("m" + i));
        }
        assertThat(channel.config().isAutoRead()).as("8 unhandled: still read").isTrue();
        channel.writeInbound(new TextWebSocketFrame("ninth"));
        assertThat(channel.config().isAutoRead()).as("9 unhandled: paused").isFalse();
        assertThat(pauses).hasValue(1);

        for (int i = 0; i < 6; i++) {
            inbound.handled();
        }
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("3 unhandled: still paused").isFalse();
        inbound.handled();
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).as("2 unhandled: read again").isTrue();
        assertThat(inbound.unhandled()).isEqualTo(2);
        channel.finishAndReleaseAll();
    }

    @Test
    void aMessageCountsOnceAtItsLastFragmentAndControlFramesNotAtAll() {
        channel.writeInbound(new TextWebSocketFrame(false, 0, "{"));
        channel.writeInbound(new ContinuationWebSocketFrame(false, 0, "\"a\":"));
        assertThat(inbound.unhandled()).isZero();
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, "1}"));
        channel.writeInbound(new PingWebSocketFrame());
        assertThat(inbound.unhandled()).isEqualTo(1);
        channel.finishAndReleaseAll();
    }
}

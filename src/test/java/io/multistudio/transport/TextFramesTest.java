package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;

/** Frames and batches of them are, byte for byte, what Netty's server frame encoder writes frame by frame. */
class TextFramesTest {

    private static final int[] LENGTHS = { 0, 1, 125, 126, 1024, 1025, 65_535, 65_536, 200_000 };

    @Test
    void eachLengthIsFramedAsNettyEncodesIt() {
        for (int length : LENGTHS) {
            ByteBuf frame = frame(length);
            assertThat(ByteBufUtil.getBytes(frame)).as("a frame of %d bytes", length).isEqualTo(netty(length));
            ByteBuf payload = TextFrames.payload(frame);
            assertThat(payload.toString(StandardCharsets.UTF_8)).isEqualTo(text(length));
            assertThat(payload.release()).isTrue();
        }
    }

    @Test
    void aBatchIsItsFramesOneAfterTheOther() {
        int[] lengths = { 3, 70_000, 126, 2_000, 2_000, 0, 65_536 };
        ByteBuf[] frames = Arrays.stream(lengths).mapToObj(TextFramesTest::frame).toArray(ByteBuf[]::new);

        ByteBuf batch = TextFrames.batch(PooledByteBufAllocator.DEFAULT, frames, frames.length);

        byte[] expected = Arrays.stream(lengths).mapToObj(TextFramesTest::netty)
                .reduce(new byte[0], TextFramesTest::concat);
        assertThat(ByteBufUtil.getBytes(batch)).isEqualTo(expected);
        batch.release();
        assertThat(frames).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
    }

    @Test
    void aSharedFrameIsReadWithoutMovingItsIndexes() {
        ByteBuf small = frame(100);
        ByteBuf large = frame(5_000);
        small.retain(2);
        large.retain();
        int smallStart = small.readerIndex();
        int largeStart = large.readerIndex();

        TextFrames.batch(PooledByteBufAllocator.DEFAULT, new ByteBuf[] { small, large }, 2).release();
        ByteBuf alone = TextFrames.batch(PooledByteBufAllocator.DEFAULT, new ByteBuf[] { small }, 1);
        alone.skipBytes(alone.readableBytes()).release();

        assertThat(small.readerIndex()).isEqualTo(smallStart);
        assertThat(small.readableBytes()).isEqualTo(102);
        assertThat(large.readerIndex()).isEqualTo(largeStart);
        assertThat(large.readableBytes()).isEqualTo(5_004);
        assertThat(small.release()).isTrue();
        assertThat(large.release()).isTrue();
    }

    /** Text of {@code length} ASCII characters. */
    private static String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + i % 26));
        }
        return text.toString();
    }

    /** {@code length} characters framed as the server frames them, in a pooled direct buffer. */
    private static ByteBuf frame(int length) {
        return TextFrames.frame(PooledByteBufAllocator.DEFAULT, text(length));
    }

    private static byte[] netty(int length) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        channel.writeOutbound(new TextWebSocketFrame(Unpooled.copiedBuffer(text(length), StandardCharsets.US_ASCII)));
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null;) {
            out.writeBytes(part);
            part.release();
        }
        channel.finishAndReleaseAll();
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}

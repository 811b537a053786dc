package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;

/** A batch encoded in one buffer is, byte for byte, what Netty's server frame encoder writes frame by frame. */
class TextFramesTest {

    private static final int[] LENGTHS = { 0, 1, 125, 126, 1024, 1025, 65_535, 65_536, 200_000 };

    @Test
    void eachLengthIsEncodedAsNettyEncodesIt() {
        for (int length : LENGTHS) {
            assertThat(ours(length)).as("a frame of %d bytes", length).isEqualTo(netty(length));
        }
    }

    @Test
    void aBatchIsItsFramesOneAfterTheOther() {
        int[] lengths = { 3, 70_000, 126, 2_000, 2_000, 0, 65_536 };
        ByteBuf[] texts = Arrays.stream(lengths).mapToObj(TextFramesTest::text).toArray(ByteBuf[]::new);

        ByteBuf batch = TextFrames.encode(PooledByteBufAllocator.DEFAULT, texts, texts.length);

        byte[] expected = Arrays.stream(lengths).mapToObj(TextFramesTest::netty)
                .reduce(new byte[0], TextFramesTest::concat);
        assertThat(ByteBufUtil.getBytes(batch)).isEqualTo(expected);
        batch.release();
        assertThat(texts).allSatisfy(text -> assertThat(text.refCnt()).isZero());
    }

    @Test
    void aSharedTextIsReadWithoutMovingItsIndexes() {
        ByteBuf small = text(100);
        ByteBuf large = text(5_000);
        small.retain();
        large.retain();

        TextFrames.encode(PooledByteBufAllocator.DEFAULT, new ByteBuf[] { small, large }, 2).release();

        assertThat(small.readerIndex()).isZero();
        assertThat(small.readableBytes()).isEqualTo(100);
        assertThat(large.readerIndex()).isZero();
        assertThat(large.readableBytes()).isEqualTo(5_000);
        assertThat(small.release()).isTrue();
        assertThat(large.release()).isTrue();
    }

    /** Text of {@code length} bytes, in a pooled direct buffer as the server's are. */
    private static ByteBuf text(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(bytes);
    }

    private static byte[] ours(int length) {
        ByteBuf frame = TextFrames.encode(PooledByteBufAllocator.DEFAULT, new ByteBuf[] { text(length) }, 1);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static byte[] netty(int length) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        channel.writeOutbound(new TextWebSocketFrame(text(length)));
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

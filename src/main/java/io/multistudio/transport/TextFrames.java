package io.multistudio.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * A batch of server TEXT frames as the bytes on the wire (RFC 6455 section 5.2: FIN set, not masked, the length in 7,
 * 16 or 64 bits), in one buffer: the same bytes Netty's {@code WebSocket08FrameEncoder} writes, without a frame
 * object, a pipeline pass and a header buffer per frame. Like that encoder, it copies a payload up to 1 KiB next to
 * its header, where a copy costs less than one more buffer in a gathering write, and keeps larger ones as they are.
 */
final class TextFrames {

    /** Netty's encoder's own bound on copied payloads ({@code GATHERING_WRITE_THRESHOLD}). */
    static final int COPIED_UP_TO = 1024;
    private static final int FIN_TEXT = 0x81;
    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;

    private TextFrames() {
    }

    /**
     * The first {@code count} of {@code texts} as frames, in order. Takes over one reference to each text and never
     * moves its indexes: a text may be the same buffer another connection is reading.
     */
    static ByteBuf encode(ByteBufAllocator alloc, ByteBuf[] texts, int count) {
        int copied = 0;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int length = texts[i].readableBytes();
            copied += headerLength(length);
            if (length <= COPIED_UP_TO) {
                copied += length;
            } else {
                kept++;
            }
        }
        ByteBuf out = alloc.directBuffer(copied);
        // Each kept payload comes after what was copied before it: at most two components for each.
        CompositeByteBuf whole = kept == 0 ? null : alloc.compositeDirectBuffer(2 * kept + 1);
        for (int i = 0; i < count; i++) {
            ByteBuf text = texts[i];
            int length = text.readableBytes();
            writeHeader(out, length);
            if (length <= COPIED_UP_TO) {
                out.writeBytes(text, text.readerIndex(), length);
                text.release();
            } else {
                whole.addComponent(true, out.readRetainedSlice(out.readableBytes()));
                whole.addComponent(true, text);
            }
        }
        if (whole == null) {
            return out;
        }
        if (out.isReadable()) {
            whole.addComponent(true, out);
        } else {
            out.release();
        }
        return whole;
    }

    private static int headerLength(int length) {
        return length < LENGTH_16 ? 2 : length <= 0xFFFF ? 4 : 10;
    }

    private static void writeHeader(ByteBuf out, int length) {
        out.writeByte(FIN_TEXT);
        if (length < LENGTH_16) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(LENGTH_16);
            out.writeShort(length);
        } else {
            out.writeByte(LENGTH_64);
            out.writeLong(length);
        }
    }
}

package io.multistudio.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;

/**
 * Server TEXT frames as the bytes on the wire (RFC 6455 section 5.2: FIN set, not masked, the length in 7, 16 or 64
 * bits), the same bytes Netty's {@code WebSocket08FrameEncoder} writes. A server's frame is the same for every
 * recipient, so a text is framed once, header and payload in one buffer ({@link #frame}), and a room event's frame is
 * shared by all its members. A batch of one frame goes out as a view of that buffer, with no copy and no buffer of its
 * own; a batch of several is copied into one buffer, except frames over 1 KiB, which, as in Netty's encoder, cost less
 * as one more buffer of a gathering write than as a copy.
 */
final class TextFrames {

    /** Netty's encoder's own bound on copied payloads ({@code GATHERING_WRITE_THRESHOLD}). */
    static final int COPIED_UP_TO = 1024;
    private static final int FIN_TEXT = 0x81;
    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;
    private static final int LONGEST_HEADER = 10;

    private TextFrames() {
    }

    /**
     * {@code text} as one frame, encoded straight into a direct buffer of {@code alloc}: the payload is written after
     * room for the longest header, then the header just before it, so the text is read once and never copied.
     */
    static ByteBuf frame(ByteBufAllocator alloc, CharSequence text) {
        int most = ByteBufUtil.utf8MaxBytes(text);
        ByteBuf frame = alloc.directBuffer(LONGEST_HEADER + most);
        frame.writerIndex(LONGEST_HEADER);
        int length = ByteBufUtil.reserveAndWriteUtf8(frame, text, most);
        int start = LONGEST_HEADER - headerLength(length);
        frame.setByte(start, FIN_TEXT);
        if (length < LENGTH_16) {
            frame.setByte(start + 1, length);
        } else if (length <= 0xFFFF) {
            frame.setByte(start + 1, LENGTH_16);
            frame.setShort(start + 2, length);
        } else {
            frame.setByte(start + 1, LENGTH_64);
            frame.setLong(start + 2, length);
        }
        return frame.readerIndex(start);
    }

    /** The payload of {@code frame}, a view that takes over its reference: for a handler that frames it again. */
    static ByteBuf payload(ByteBuf frame) {
        int header = headerLength(frame);
        return frame.slice(frame.readerIndex() + header, frame.readableBytes() - header);
    }

    /**
     * The first {@code count} of {@code frames} as one buffer, in order. Takes over one reference to each frame and
     * never moves its indexes: a frame may be the same buffer other connections are reading.
     */
    static ByteBuf batch(ByteBufAllocator alloc, ByteBuf[] frames, int count) {
        if (count == 1) {
            return frames[0].duplicate();
        }
        int copied = 0;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int length = frames[i].readableBytes();
            if (length - headerLength(frames[i]) <= COPIED_UP_TO) {
                copied += length;
            } else {
                kept++;
            }
        }
        ByteBuf out = alloc.directBuffer(copied);
        // Each kept frame comes after what was copied before it: at most two components for each.
        CompositeByteBuf whole = kept == 0 ? null : alloc.compositeDirectBuffer(2 * kept + 1);
        for (int i = 0; i < count; i++) {
            ByteBuf frame = frames[i];
            int length = frame.readableBytes();
            if (length - headerLength(frame) <= COPIED_UP_TO) {
                out.writeBytes(frame, frame.readerIndex(), length);
                frame.release();
            } else {
                if (out.isReadable()) {
                    whole.addComponent(true, out.readRetainedSlice(out.readableBytes()));
                }
                whole.addComponent(true, frame.duplicate());
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

    private static int headerLength(ByteBuf frame) {
        int length = frame.getByte(frame.readerIndex() + 1) & 0x7F;
        return length < LENGTH_16 ? 2 : length == LENGTH_16 ? 4 : LONGEST_HEADER;
    }

    private static int headerLength(int length) {
        return length < LENGTH_16 ? 2 : length <= 0xFFFF ? 4 : LONGEST_HEADER;
    }
}

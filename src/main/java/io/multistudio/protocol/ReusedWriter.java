package io.multistudio.protocol;

import java.io.IOException;
import java.io.StringWriter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON generator kept open over a string buffer and reused for message after message, by one thread only. Each
 * message is written as a root value with no separator before it and taken out of the buffer whole; a write that fails
 * half-way leaves the generator inside that value, so the next write starts over with a new one.
 */
final class ReusedWriter {

    /** Past this many characters the buffer is dropped after use rather than kept for the thread's life. */
    static final int KEPT_CAPACITY = 64 * 1024;

    private final ObjectMapper mapper;
    private StringWriter buffer;
    private JsonGenerator generator;

    ReusedWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String write(Object message) throws IOException {
        if (generator == null) {
            buffer = new StringWriter(256);
            generator = mapper.createGenerator(buffer);
            generator.setRootValueSeparator(null);
        }
        boolean written = false;
        try {
            // Flushed into the buffer at the end of the value (SerializationFeature.FLUSH_AFTER_WRITE_VALUE).
            mapper.writeValue(generator, message);
            written = true;
            StringBuffer text = buffer.getBuffer();
            String result = text.toString();
            if (text.capacity() > KEPT_CAPACITY) {
                written = false;
            } else {
                text.setLength(0);
            }
            return result;
        } finally {
            if (!written) {
                generator = null;
                buffer = null;
            }
        }
    }
}

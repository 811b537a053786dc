package io.multistudio.admin;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to a publish: the seq of the room event it became. */
@Schema(description = "The room event a publish became")
public record Published(@Schema(description = "the event's seq in the room") long seq) {
}

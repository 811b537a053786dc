package io.multistudio.admin;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of every operator API error.
 *
 * @param error a stable code for programs ({@code unauthorized}, {@code forbidden}, {@code disabled},
 *        {@code not_found}, {@code invalid_parameter}, {@code store_unavailable}; for the publish API
 *        {@code room_not_found}, {@code user_not_in_room}, {@code invalid_body}, {@code data_too_large})
 * @param detail text for people
 */
@Schema(description = "An operator API error")
public record ApiError(String error, String detail) {
}

package io.multistudio.admin;

/** Ends an operator API request with an HTTP error status and an {@link ApiError} body. */
final class ApiException extends RuntimeException {

    private final int status;
    private final ApiError error;

    ApiException(int status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = new ApiError(error, detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }

    static ApiException invalidParameter(String detail) {
        return new ApiException(400, "invalid_parameter", detail);
    }

    int status() {
        return status;
    }

    ApiError error() {
        return error;
    }
}

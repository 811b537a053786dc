package io.multistudio.admin;

import java.util.Locale;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.multistudio.engine.StoreUnavailableException;
import io.multistudio.protocol.ProtocolException;

/** Turns the failures of every {@code /api} request into an HTTP status with an {@link ApiError} body, in one place. */
class ApiErrors {

    @ServerExceptionMapper
    RestResponse<ApiError> failed(ApiException failure) {
        return RestResponse.status(RestResponse.Status.fromStatusCode(failure.status()), failure.error());
    }

    @ServerExceptionMapper
    RestResponse<ApiError> storeUnavailable(StoreUnavailableException failure) {
        return RestResponse.ResponseBuilder
                .create(RestResponse.Status.SERVICE_UNAVAILABLE, new ApiError("store_unavailable",
                        "the store did not answer in time"))
                .header("Retry-After", "5")
                .build();
    }

    /**
     * A room command refused by the room code itself (no such room, data too large): its protocol case, in lower
     * case, is the error code.
     */
    @ServerExceptionMapper
    RestResponse<ApiError> refused(ProtocolException failure) {
        int status = switch (failure.why().code()) {
            case "NFND" -> 404;
            case "BADR" -> 400;
            default -> 409;
        };
        String detail = failure.detail() == null ? failure.why().name() : failure.detail();
        return RestResponse.status(RestResponse.Status.fromStatusCode(status),
                new ApiError(failure.why().name().toLowerCase(Locale.ROOT), detail));
    }
}

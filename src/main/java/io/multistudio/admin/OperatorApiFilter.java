package io.multistudio.admin;

import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;

/**
 * Guards every request under {@code /api} with {@link OperatorAccess}: 401 with a {@code WWW-Authenticate: Bearer}
 * challenge without usable credentials, 403 for a JWT without the admin role and for every request while the API is
 * off. Nothing else (the WebSocket, {@code /q/*}) passes through here.
 */
@Singleton
class OperatorApiFilter {

    private static final String BEARER = "Bearer";
    private static final String CHALLENGE = "Bearer realm=\"multistudio\"";

    /** A client proxy: REST filters are built at static init, before the configuration that access needs exists. */
    private final OperatorAccess access;

    OperatorApiFilter(OperatorAccess access) {
        this.access = access;
    }

    /** Runs before matching, so that unknown paths under {@code /api} tell strangers nothing about what exists. */
    @ServerRequestFilter(preMatching = true)
    Uni<Response> guard(ContainerRequestContext request) {
        if (!operatorPath(request.getUriInfo().getPath())) {
            return Uni.createFrom().nullItem();
        }
        return access.check(bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION)))
                .map(OperatorApiFilter::refusal);
    }

    /** The response that ends a refused request; {@code null} lets it through. */
    static Response refusal(OperatorAccess.Verdict verdict) {
        return switch (verdict) {
            case ALLOWED -> null;
            case DISABLED -> refuse(Response.Status.FORBIDDEN, null, "disabled",
                    "the operator API is off: no admin token and no admin role are configured");
            case MISSING -> refuse(Response.Status.UNAUTHORIZED, CHALLENGE, "unauthorized",
                    "a bearer token is required");
            case INVALID -> refuse(Response.Status.UNAUTHORIZED, CHALLENGE + ", error=\"invalid_token\"",
                    "unauthorized", "the bearer token is neither the admin token nor a valid JWT");
            case NO_ROLE -> refuse(Response.Status.FORBIDDEN, CHALLENGE + ", error=\"insufficient_scope\"",
                    "forbidden", "the token does not carry the admin role");
        };
    }

    private static Response refuse(Response.Status status, String challenge, String error, String detail) {
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(error, detail));
        if (challenge != null) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        return response.build();
    }

    /** {@code /api} and everything below it, and nothing that merely starts with the same letters. */
    static boolean operatorPath(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals("api") || relative.startsWith("api/");
    }

    /** The token of an {@code Authorization: Bearer} header; the scheme name is case-insensitive (RFC 7235). */
    static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || !Character.isWhitespace(value.charAt(BEARER.length()))) {
            return null;
        }
        String token = value.substring(BEARER.length()).strip();
        return token.isEmpty() ? null : token;
    }
}

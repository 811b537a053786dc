package io.multistudio.transport;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/**
 * PROTOCOL.md §2.7: with an allow-list configured, an upgrade from any other {@code Origin} is refused with 403. Only
 * browsers send an {@code Origin}; an upgrade without one is let in unless the server requires it.
 */
@Singleton
class OriginCheck implements HttpUpgradeCheck {

    private static final int FORBIDDEN = 403;

    private final Set<String> allowed;
    private final boolean required;

    OriginCheck(MultiStudioConfig config) {
        this.allowed = config.allowedOrigins().map(List::stream)
                .map(origins -> origins.map(String::strip).filter(origin -> !origin.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
        this.required = config.requireOrigin();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return permits(context.httpRequest().getHeader("Origin")) ? CheckResult.permitUpgrade()
                : CheckResult.rejectUpgrade(FORBIDDEN);
    }

    /** Whether an upgrade with this {@code Origin} header ({@code null}: none) may go on. */
    boolean permits(String origin) {
        if (origin == null) {
            return !required;
        }
        return allowed.isEmpty() || allowed.contains(origin);
    }
}

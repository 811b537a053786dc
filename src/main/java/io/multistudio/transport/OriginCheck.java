package io.multistudio.transport;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;

/** PROTOCOL.md §2.7: with an allow-list configured, an upgrade from any other {@code Origin} is refused with 403. */
@Singleton
class OriginCheck implements HttpUpgradeCheck {

    private static final int FORBIDDEN = 403;

    private final Set<String> allowed;

    OriginCheck(MultiStudioConfig config) {
        this.allowed = config.allowedOrigins().map(List::stream)
                .map(origins -> origins.map(String::strip).filter(origin -> !origin.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String origin = context.httpRequest().getHeader("Origin");
        if (allowed.isEmpty() || origin != null && allowed.contains(origin)) {
            return CheckResult.permitUpgrade();
        }
        return CheckResult.rejectUpgrade(FORBIDDEN);
    }
}

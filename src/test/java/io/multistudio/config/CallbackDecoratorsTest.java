package io.multistudio.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.context.SmallRyeContextManagerProvider;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * With no thread context to propagate, the started application leaves Mutiny's callbacks undecorated. Mutiny has no
 * public view of its decorators, so the test reads the array that {@code Infrastructure.decorate} walks.
 */
@QuarkusTest
class CallbackDecoratorsTest {

    @Test
    void noDecoratorIsLeftWhenThereIsNoContextToPropagate() throws ReflectiveOperationException {
        assertThat(SmallRyeContextManagerProvider.getManager().getAllProviderTypes()).isEmpty();
        Field decorators = Infrastructure.class.getDeclaredField("CALLBACK_DECORATORS");
        decorators.setAccessible(true);
        assertThat((Object[]) decorators.get(null)).isEmpty();
    }
}

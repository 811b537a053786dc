package io.multistudio.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.multistudio.auth.TestJwt;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With authentication off, only the admin token opens the operator API: an admin role is ignored, even with a JWT
 * that the configured key would verify.
 */
@QuarkusTest
@TestProfile(AdminTokenWithoutAuthenticationTest.TokenOnly.class)
class AdminTokenWithoutAuthenticationTest {

    static final String ADMIN_TOKEN = "another-test-admin-token-not-a-secret";

    public static class TokenOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = TestJwt.authConfig();
            config.put("multistudio.auth.enabled", "false");
            config.put("multistudio.auth.admin-token", ADMIN_TOKEN);
            config.put("multistudio.auth.admin-role", AdminApiTest.ADMIN_ROLE);
            return config;
        }
    }

    @Test
    void theAdminTokenIsLetInAndAJwtWithTheRoleIsNot() {
        given().auth().oauth2(ADMIN_TOKEN).when().get("/api/stats").then().statusCode(200);
        given().auth().oauth2(TestJwt.token("op", AdminApiTest.ADMIN_ROLE)).when().get("/api/stats")
                .then().statusCode(401)
                .body("error", equalTo("unauthorized"));
        given().when().get("/api/rooms").then().statusCode(401);
    }
}

package io.multistudio.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

/** Without an admin token or an admin role, as a server is by default, nobody can use the operator API. */
@QuarkusTest
class AdminApiDisabledTest {

    @ParameterizedTest
    @CsvSource({ "GET,/api/rooms", "GET,/api/rooms/any", "DELETE,/api/rooms/any",
            "DELETE,/api/rooms/any/members/u_x", "GET,/api/stats", "GET,/api/unknown" })
    void everyOperatorRequestIs403WhateverItCarries(String method, String path) {
        given().when().request(method, path)
                .then().statusCode(403)
                .header("WWW-Authenticate", nullValue())
                .body("error", equalTo("disabled"));
        given().auth().oauth2("anything").when().request(method, path)
                .then().statusCode(403)
                .body("error", equalTo("disabled"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/openapi", "/client/multistudio.js" })
    void theRestOfTheServerIsServed(String path) {
        given().when().get(path).then().statusCode(200);
    }
}

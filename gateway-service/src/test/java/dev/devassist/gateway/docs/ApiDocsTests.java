package dev.devassist.gateway.docs;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ApiDocsTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static JsonNode describe(String path, String schema) {
		return JSON.readTree("""
				{"openapi": "3.1.0",
				 "paths": {"%s": {"get": {"responses": {"200": {"content": {"application/json":
				   {"schema": {"$ref": "#/components/schemas/%s"}}}}}}},
				           "/internal/thing": {"get": {}}},
				 "components": {"schemas": {"%s": {"type": "object"}}}}
				""".formatted(path, schema, schema));
	}

	@Test
	void whenTwoServicesNameASchemaAlikeThenEachKeepsItsOwnUnderItsPrefix() {
		JsonNode whole = ApiDocs.merge("1", List.of(
				new ApiDocs.Part("assistant-service", "Assistant", List.of("/api/conversations"),
						describe("/api/conversations", "Page")),
				new ApiDocs.Part("rag-service", "Rag", List.of("/api/sources"), describe("/api/sources", "Page"))));

		assertThat(whole.path("components").path("schemas").has("AssistantPage")).isTrue();
		assertThat(whole.path("components").path("schemas").has("RagPage")).isTrue();
		assertThat(whole.path("paths")
			.path("/api/sources")
			.path("get")
			.path("responses")
			.path("200")
			.path("content")
			.path("application/json")
			.path("schema")
			.path("$ref")
			.asString()).isEqualTo("#/components/schemas/RagPage");
		assertThat(whole.path("paths").path("/api/sources").path("get").path("x-devassist-service").asString())
			.isEqualTo("rag-service");
	}

	@Test
	void whenAServiceHasPathsTheGatewayDoesNotRouteThenTheyAreLeftOut() {
		JsonNode whole = ApiDocs.merge("1", List
			.of(new ApiDocs.Part("rag-service", "Rag", List.of("/api/sources"), describe("/api/sources", "Source"))));

		assertThat(whole.path("paths").has("/internal/thing")).isFalse();
		assertThat(whole.path("paths").has("/api/sources")).isTrue();
	}

	@Test
	void whenAServiceCouldNotBeReadThenTheRestIsKeptAndItIsNamed() {
		JsonNode whole = ApiDocs
			.merge("1", List.of(new ApiDocs.Part("assistant-service", "Assistant", List.of("/api"), null),
					new ApiDocs.Part("rag-service", "Rag", List.of("/api/sources"), describe("/api/sources", "S"))));

		assertThat(whole.path("x-devassist-unavailable").get(0).asString()).isEqualTo("assistant-service");
		assertThat(whole.path("paths").has("/api/sources")).isTrue();
		assertThat(whole.path("components").path("securitySchemes").has("apiKey")).isTrue();
	}

}

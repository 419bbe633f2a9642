package dev.devassist.gateway;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenants through the gateway: an operator makes them, their admins see only their own
 * users, and the internal token's tenant keeps each tenant's sources from the other, as
 * the real rag-service enforces it.
 */
class TenantsIT {

	private static String gateway;

	private static Client operator;

	@BeforeAll
	static void start() {
		gateway = GatewayPlatform.get().startGateway();
		operator = new Client(gateway);
		operator.login("admin", GatewayPlatform.ADMIN_PASSWORD);
	}

	@Test
	void whenAnOperatorMakesATenantThenItsAdminLogsInAndSeesOnlyItsOwnUsers() {
		Tenant made = tenant();

		JsonNode users = made.admin().get("/api/admin/users").json();
		JsonNode listed = operator.get("/api/admin/tenants").json();

		assertThat(users).hasSize(1);
		assertThat(users.get(0).path("username").asString()).isEqualTo(made.adminName());
		assertThat(listed.toString()).contains(made.name());
	}

	@Test
	void whenATenantAdminTriesToMakeATenantThenItIsForbidden() {
		Tenant made = tenant();

		Client.Answer answer = made.admin()
			.post("/api/admin/tenants", Map.of("name", "sneaky-" + UUID.randomUUID().toString().substring(0, 8),
					"adminUsername", "sneaky"));

		assertThat(answer.status()).isEqualTo(403);
		assertThat(made.admin().get("/api/admin/tenants").status()).isEqualTo(403);
	}

	@Test
	void whenATenantIsNamedBadlyOrTwiceThenTheFieldIsNamed() {
		Tenant made = tenant();

		Client.Answer badName = operator.post("/api/admin/tenants", Map.of("name", "<script>", "adminUsername", "x1"));
		Client.Answer twice = operator.post("/api/admin/tenants",
				Map.of("name", made.name(), "adminUsername", "other-" + UUID.randomUUID().toString().substring(0, 8)));

		assertThat(badName.status()).isEqualTo(400);
		assertThat(badName.json().path("field").asString()).isEqualTo("name");
		assertThat(twice.status()).isEqualTo(409);
	}

	@Test
	void whenTwoTenantsHaveSourcesThenNeitherSeesTheOthers() throws Exception {
		String first = key(tenant().admin(), "search", "ingest");
		String second = key(tenant().admin(), "search", "ingest");
		String source = Client
			.uploadSource(gateway, first, "secret-plan.md", "# Plan\n\nOnly the first tenant may read this.\n")
			.path("source")
			.path("id")
			.asString();

		JsonNode firstSources = Client.withKey(gateway, first).get("/api/sources").json();
		JsonNode secondSources = Client.withKey(gateway, second).get("/api/sources").json();
		Client.Answer direct = Client.withKey(gateway, second).get("/api/sources/" + source);

		assertThat(firstSources.toString()).contains(source);
		assertThat(secondSources.toString()).doesNotContain(source);
		assertThat(direct.status()).isEqualTo(404);
	}

	private static Tenant tenant() {
		String name = "team-" + UUID.randomUUID().toString().substring(0, 8);
		String adminName = name + "-admin";
		Client.Answer made = operator.post("/api/admin/tenants", Map.of("name", name, "adminUsername", adminName));
		assertThat(made.status()).as(made.response().body()).isEqualTo(201);
		Client admin = new Client(gateway);
		assertThat(admin.login(adminName, made.json().path("password").asString()).status()).isEqualTo(200);
		return new Tenant(name, adminName, admin);
	}

	private static String key(Client owner, String... scopes) {
		Client.Answer answer = owner.post("/api/keys", Map.of("name", "tenant key", "scopes", List.of(scopes)));
		assertThat(answer.status()).isEqualTo(201);
		return answer.json().path("secret").asString();
	}

	private record Tenant(String name, String adminName, Client admin) {
	}

}

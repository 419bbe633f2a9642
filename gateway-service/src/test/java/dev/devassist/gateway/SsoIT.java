package dev.devassist.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.devassist.testsupport.ServiceProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Single sign-on against a real OpenID Connect provider (Spring Authorization Server,
 * started from {@code test-oidc-provider}), driven through its login page in headless
 * Chromium: a first sign-in makes the account, the provider's admin group makes a tenant
 * admin, a disabled account is turned away, and an SSO account has no password here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsoIT {

	private static final Path PROVIDER_JAR = Path.of("..", "test-oidc-provider", "target", "test-oidc-provider.jar");

	private static final String PASSWORD = "sso-password-1";

	private static final List<Process> processes = new ArrayList<>();

	private static String gateway;

	private static String provider;

	private static ChromeDriver browser;

	private static WebDriverWait wait;

	@BeforeAll
	static void start() throws IOException {
		assumeTrue(Browsers.installed(),
				"Debian's chromium and chromium-driver are not installed; .ci/run installs them.");
		GatewayPlatform platform = GatewayPlatform.get();
		int gatewayPort = GatewayPlatform.freePort();
		int providerPort = GatewayPlatform.freePort();
		provider = "http://127.0.0.1:" + providerPort;
		processes.add(ServiceProcesses.startJar(PROVIDER_JAR, Path.of("target", "it-logs", "oidc-provider.log"),
				"--server.port=" + providerPort,
				"--devassist.redirect-uri=http://127.0.0.1:" + gatewayPort + "/login/oauth2/code/sso"));
		GatewayPlatform.awaitReady(URI.create(provider + "/.well-known/openid-configuration"));
		gateway = platform.startGateway("--server.port=" + gatewayPort,
				"--spring.security.oauth2.client.registration.sso.client-id=devassist",
				"--spring.security.oauth2.client.registration.sso.client-secret=devassist-test-secret",
				"--spring.security.oauth2.client.registration.sso.client-name=Example SSO",
				"--spring.security.oauth2.client.registration.sso.scope=openid,profile,email",
				"--spring.security.oauth2.client.provider.sso.issuer-uri=" + provider,
				"--devassist.gateway.sso.admin-group=devassist-admins");
	}

	@AfterAll
	static void stop() {
		ServiceProcesses.stopAll(processes);
	}

	/**
	 * A browser of its own for each test: nobody is signed in, here or at the provider.
	 */
	@BeforeEach
	void openABrowser() throws IOException {
		browser = Browsers.start();
		wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(50));
	}

	@AfterEach
	void closeTheBrowser() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	@Order(1)
	void aDeveloperSignsInThroughTheProviderAndLandsInTheChatAsAMember() throws IOException {
		signIn("dana");

		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("question")));
		assertThat(browser.findElement(By.id("who")).getText()).startsWith("dana");
		assertThat(browser.findElement(By.id("nav-admin")).isDisplayed()).isFalse();
		Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(),
				Files.createDirectories(Path.of("target", "screenshots")).resolve("07-sso.png"),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
	}

	@Test
	@Order(2)
	void aMemberOfTheProvidersAdminGroupIsAnAdminOfTheTenant() {
		signIn("olga");

		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-admin")));
		assertThat(browser.findElement(By.id("who")).getText()).startsWith("olga");
	}

	@Test
	@Order(3)
	void aSsoAccountCannotLogInWithAPasswordOfOurs() {
		Client.Answer attempt = new Client(gateway).login("dana", PASSWORD);

		assertThat(attempt.status()).isEqualTo(401);
	}

	@Test
	@Order(4)
	void aDisabledSsoAccountIsTurnedAwayEvenThoughTheProviderVouchesForIt() {
		Client admin = new Client(gateway);
		admin.login("admin", GatewayPlatform.ADMIN_PASSWORD);
		JsonNode dana = null;
		for (JsonNode user : admin.get("/api/admin/users").json()) {
			if (user.path("username").asString().equals("dana")) {
				dana = user;
			}
		}
		assertThat(dana).as("dana's account, made at her first sign-in").isNotNull();
		assertThat(admin.send("PATCH", "/api/admin/users/" + dana.path("id").asString(), Map.of("disabled", true))
			.status()).isEqualTo(200);

		signIn("dana");

		assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login-error:not(:empty)")))
			.getText()).contains("disabled");
		assertThat(browser.findElements(By.id("question"))).isEmpty();
	}

	private void signIn(String user) {
		browser.get(gateway + "/");
		wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#sso a.sso"))).click();
		wait.until(ExpectedConditions.urlContains(provider));
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(PASSWORD);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait.until(ExpectedConditions.urlContains(gateway));
	}

}

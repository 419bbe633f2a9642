package dev.devassist.gateway;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web UI in real headless Chromium (Debian's chromium and chromedriver, which
 * {@code .ci/run} installs), served by a gateway in front of services that embed and
 * answer through the inference proxy and the vLLM simulator: the first-run path of a new
 * user, from login to a cited answer, then keys and the admin page. Each step saves a
 * screenshot under {@code target/screenshots}; the README shows them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	private static final List<String> FILE = List.of("package dev.example.uploads;", "",
			"/** Refuses uploads above the configured maximum. */", "final class UploadLimits {", "",
			"\tprivate final long max;", "", "\tUploadLimits(Settings settings) {",
			"\t\tthis.max = settings.maxUploadBytes();", "\t}", "",
			"\t/** Checks an upload's size against the limit. */", "\tvoid check(long size) {",
			"\t\tif (size > this.max) {", "\t\t\tthrow new TooLarge(size, this.max);", "\t\t}", "\t}", "", "}");

	private static String gateway;

	private static ChromeDriver browser;

	private static WebDriverWait wait;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() throws IOException {
		assumeTrue(Browsers.installed(),
				"Debian's chromium and chromium-driver are not installed; .ci/run installs them.");
		GatewayPlatform platform = GatewayPlatform.get();
		gateway = platform.startGateway(platform.models().routes());
		Files.createDirectories(SCREENSHOTS);
		browser = Browsers.start();
		wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(50));
	}

	@AfterAll
	static void stop() {
		if (browser != null) {
			browser.quit();
		}
	}

	@Test
	@Order(1)
	void aWrongPasswordIsRefusedAndTheRightOneLogsIn() throws IOException {
		browser.get(gateway + "/");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
		screenshot("01-login");

		logIn("admin", "not the password");
		WebElement problem = wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login-error:not(:empty)")));
		assertThat(problem.getText()).contains("wrong");

		logIn("admin", GatewayPlatform.ADMIN_PASSWORD);
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("question")));
		assertThat(browser.findElement(By.id("who")).getText()).startsWith("admin");
		assertThat(browser.findElement(By.id("nav-admin")).isDisplayed()).isTrue();
	}

	@Test
	@Order(2)
	void anUploadedFileIsIndexedWithItsProgressShownToTheEnd() throws IOException {
		Path file = Files.createTempDirectory("webui-upload").resolve("UploadLimits.java");
		Files.write(file, FILE);
		browser.get(gateway + "/#/sources");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-files")))
			.sendKeys(file.toAbsolutePath().toString());
		browser.findElement(By.cssSelector("#upload button[type=submit]")).click();

		WebElement job = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs .job")));
		assertThat(job.findElement(By.tagName("progress")).getAttribute("max")).isEqualTo("1");
		wait.until(ExpectedConditions.attributeToBe(job, "data-status", "SUCCEEDED"));
		assertThat(job.findElement(By.tagName("progress")).getAttribute("value")).isEqualTo("1");
		assertThat(job.getText()).contains("1 of 1 files");
		WebElement row = wait.until(ExpectedConditions
			.presenceOfElementLocated(By.xpath("//tbody[@id='source-rows']/tr[.//span[contains(., 'ready')]]")));
		assertThat(row.getText()).contains("upload");
		screenshot("02-sources");
	}

	@Test
	@Order(3)
	void theFirstQuestionGetsAStreamedAnswerWhoseCitationOpensTheRightLines() throws IOException {
		browser.get(gateway + "/#/chat");
		WebElement question = wait.until(ExpectedConditions.elementToBeClickable(By.id("question")));
		question.sendKeys("Where is the upload size limit enforced?");
		browser.findElement(By.id("send")).click();

		// Streamed: the answer has text while it is still being written.
		boolean sawPartial = false;
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (System.nanoTime() < deadline) {
			List<WebElement> answers = browser.findElements(By.cssSelector(".msg.assistant"));
			if (!answers.isEmpty()) {
				WebElement answer = answers.getLast();
				boolean finished = !answer.findElements(By.cssSelector(".meta button")).isEmpty();
				String text = answer.findElement(By.className("body")).getText();
				if (!finished && !text.isBlank()) {
					sawPartial = true;
				}
				if (finished) {
					break;
				}
			}
		}
		WebElement answer = browser.findElements(By.cssSelector(".msg.assistant")).getLast();
		assertThat(sawPartial).as("the answer was seen while it streamed").isTrue();
		assertThat(answer.findElement(By.className("body")).getText()).contains("Uploads are refused above the limit");
		assertThat(answer.findElements(By.cssSelector(".body pre code.hljs"))).as("highlighted code").hasSize(1);
		assertThat(answer.findElements(By.cssSelector(".body button.cite"))).as("inline [1] markers").hasSize(2);
		WebElement chip = answer.findElement(By.cssSelector(".sources-list .chip"));
		assertThat(chip.getText()).startsWith("[1] UploadLimits.java:");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#conversations a[aria-current=true]")));
		screenshot("03-answer");

		String cited = chip.getText();
		Matcher range = Pattern.compile(":(\\d+)-(\\d+)$").matcher(cited);
		assertThat(range.find()).isTrue();
		int first = Integer.parseInt(range.group(1));
		int last = Integer.parseInt(range.group(2));
		chip.click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog.viewer .line.hit")));
		List<WebElement> hits = browser.findElements(By.cssSelector("dialog.viewer .line.hit"));
		assertThat(hits).hasSize(last - first + 1);
		for (WebElement hit : hits) {
			int number = Integer.parseInt(hit.getAttribute("data-line"));
			assertThat(number).isBetween(first, last);
			assertThat(hit.findElement(By.tagName("code")).getText().strip())
				.isEqualTo(FILE.get(number - 1).strip().isEmpty() ? "" : FILE.get(number - 1).strip());
		}
		screenshot("04-citation");
		browser.findElement(By.cssSelector("dialog.viewer header button")).click();
		wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog.viewer")));

		WebElement helpful = answer.findElement(By.xpath(".//button[.='Helpful']"));
		helpful.click();
		wait.until(ExpectedConditions.attributeToBe(helpful, "aria-pressed", "true"));

		// The conversation, read back after a reload, keeps its answer, citation and
		// verdict.
		browser.navigate().refresh();
		WebElement kept = wait
			.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg.assistant .sources-list .chip")));
		assertThat(kept.getText()).isEqualTo(cited);
		assertThat(browser.findElement(By.xpath("//button[.='Helpful']")).getAttribute("aria-pressed"))
			.isEqualTo("true");
	}

	@Test
	@Order(4)
	void anApiKeyMadeInSettingsWorksUntilItIsRevoked() throws Exception {
		browser.get(gateway + "/#/settings");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-name"))).sendKeys("browser test");
		browser.findElement(By.cssSelector("#create-key button[type=submit]")).click();
		String secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-secret"))).getText();
		assertThat(secret).startsWith("dak_");
		WebElement row = wait.until(ExpectedConditions
			.presenceOfElementLocated(By.xpath("//tbody[@id='key-rows']/tr[td[1][.='browser test']]")));
		assertThat(row.getText()).contains("chat, search, ingest").doesNotContain(secret);
		assertThat(status(secret)).isEqualTo(200);
		screenshot("05-keys");

		row.findElement(By.xpath(".//button[.='Revoke']")).click();
		wait.until(ExpectedConditions.alertIsPresent()).accept();
		wait.until(ExpectedConditions.textToBePresentInElementLocated(
				By.xpath("//tbody[@id='key-rows']/tr[td[1][.='browser test']]"), "revoked"));
		assertThat(status(secret)).isEqualTo(401);
	}

	@Test
	@Order(5)
	void theAdminPageShowsUsersAndUsageCharts() throws IOException {
		browser.get(gateway + "/#/admin");
		wait.until(
				ExpectedConditions.presenceOfElementLocated(By.xpath("//tbody[@id='user-rows']/tr[td[1][.='admin']]")));
		WebElement totals = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("usage-totals")));
		assertThat(totals.getText()).contains("admin");
		assertThat(browser.findElements(By.cssSelector("#usage .uplot canvas"))).hasSizeGreaterThanOrEqualTo(3);
		screenshot("06-admin");
	}

	@Test
	@Order(6)
	void thePagesRaisedNoErrorsAndTheContentSecurityPolicyHeld() {
		List<String> severe = new ArrayList<>();
		for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
			if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !entry.getMessage().contains(" 401 ")) {
				severe.add(entry.getMessage());
			}
		}
		assertThat(severe).as("console errors (CSP violations among them)").isEmpty();
		Object violations = ((JavascriptExecutor) browser)
			.executeScript("return performance.getEntriesByType('resource').filter(e => !e.name.startsWith("
					+ "location.origin)).map(e => e.name)");
		assertThat((List<?>) violations).as("requests that left the server").isEmpty();
	}

	private void logIn(String username, String password) {
		WebElement name = browser.findElement(By.id("username"));
		name.clear();
		name.sendKeys(username);
		WebElement secret = browser.findElement(By.id("password"));
		secret.clear();
		secret.sendKeys(password);
		browser.findElement(By.cssSelector("form.login button[type=submit]")).click();
	}

	private int status(String key) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/api/sources"))
			.header("Authorization", "Bearer " + key)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static void screenshot(String name) throws IOException {
		File shot = browser.getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
	}

}

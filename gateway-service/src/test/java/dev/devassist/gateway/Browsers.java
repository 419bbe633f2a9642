package dev.devassist.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium for the browser tests: Debian's chromium and chromedriver, which
 * {@code .ci/run} installs.
 */
final class Browsers {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private Browsers() {
	}

	/**
	 * Whether this machine has the browser.
	 * @return true when chromium and chromedriver are installed
	 */
	static boolean installed() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	/**
	 * Starts a browser with a fresh profile, its console logged.
	 * @return the driver
	 * @throws IOException when the profile's folder cannot be made
	 */
	static ChromeDriver start() throws IOException {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// Without the background-networking flags Chromium keeps trying hosts this closed
		// network refuses.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1280,860",
				"--user-data-dir=" + Files.createTempDirectory("gateway-it-chromium"));
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

}

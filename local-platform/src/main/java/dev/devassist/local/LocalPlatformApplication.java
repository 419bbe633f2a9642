package dev.devassist.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole platform in the foreground until Ctrl-C or SIGTERM, then stops it in
 * order. {@code ./devassist up} is the usual way in.
 */
public final class LocalPlatformApplication {

	private static final Logger logger = LoggerFactory.getLogger(LocalPlatformApplication.class);

	private LocalPlatformApplication() {
	}

	/**
	 * Starts the platform.
	 * @param args options of the form {@code --name=value}; {@code --help} lists them
	 */
	public static void main(String[] args) {
		if (List.of(args).contains("--help")) {
			System.out.print(PlatformSettings.USAGE);
			return;
		}
		if (List.of(args).contains("--list-services")) {
			// ./devassist reads this to know which jars must be built before a start.
			PlatformServices.ALL.forEach((service) -> System.out.println(service.name() + " " + service.artifact()));
			return;
		}

		if (args.length > 0 && args[0].equals("token")) {
			printToken(List.of(args).subList(1, args.length));
			return;
		}

		PlatformSettings settings;
		try {
			settings = PlatformSettings.parse(List.of(args), Path.of(""));
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(PlatformSettings.USAGE);
			System.exit(2);
			return;
		}

		LocalPlatform platform = new LocalPlatform(settings, PlatformServices.ALL, System.out);
		// One hook stops everything in order; no part has a hook of its own.
		Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "platform-stop"));
		try {
			platform.start();
			platform.awaitReady();
			platform.awaitStopped();
		}
		catch (RuntimeException ex) {
			if (platform.isStopping()) {
				return;
			}
			logger.error("The platform could not start: {} Stopping what did start.", ex.getMessage());
			logger.debug("The platform could not start.", ex);
			System.exit(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * {@code ./devassist token [--tenant=T]}: prints an internal token signed with the
	 * local key, for calling the services directly.
	 */
	private static void printToken(List<String> args) {
		String tenant = DevIdentity.DEFAULT_TENANT;
		Path dataDir = Path.of(PlatformSettings.DEFAULT_DATA_DIR);
		for (String arg : args) {
			if (arg.startsWith("--tenant=")) {
				tenant = arg.substring("--tenant=".length());
			}
			else if (arg.startsWith("--data-dir=")) {
				dataDir = Path.of(arg.substring("--data-dir=".length()));
			}
			else {
				System.err.println("Usage: ./devassist token [--tenant=TENANT]");
				System.exit(2);
			}
		}
		try {
			System.out.println(new DevIdentity(dataDir).token(tenant, Duration.ofMinutes(15)));
		}
		catch (IOException | IllegalArgumentException ex) {
			System.err.println("devassist: " + ex.getMessage());
			System.exit(1);
		}
	}

}

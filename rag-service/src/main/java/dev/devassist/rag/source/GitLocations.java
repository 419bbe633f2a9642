package dev.devassist.rag.source;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a git location may be ingested. A remote must be {@code https} to a
 * public address: loopback, link-local (the cloud metadata service lives there), private
 * and unique-local addresses are refused unless explicitly allowed, since a source must
 * not become a way into the cluster. A local repository must lie under one of the allowed
 * roots, symbolic links resolved.
 */
final class GitLocations {

	static final int MAX_LENGTH = 2048;

	private final List<Path> allowedRoots;

	private final boolean allowPrivateNetworks;

	GitLocations(List<Path> allowedRoots, boolean allowPrivateNetworks) {
		this.allowedRoots = allowedRoots.stream().map(GitLocations::real).toList();
		this.allowPrivateNetworks = allowPrivateNetworks;
	}

	/**
	 * Checks a location as a caller gave it.
	 * @param location an {@code https} URL, a {@code file:} URL or an absolute path
	 * @return where to read from
	 * @throws ApiException (400, field {@code location}) saying why it is refused
	 */
	GitLocation check(String location) {
		if (location.isBlank() || location.length() > MAX_LENGTH || location.chars().anyMatch((c) -> c < 0x20)) {
			throw refused("must be a URL or path of 1 to " + MAX_LENGTH + " printable characters");
		}
		if (location.startsWith("/") || location.regionMatches(true, 0, "file:", 0, 5)) {
			return new GitLocation(null, local(location));
		}
		return new GitLocation(remote(location), null);
	}

	private URI remote(String location) {
		URI uri;
		try {
			uri = new URI(location);
		}
		catch (URISyntaxException ex) {
			throw refused("is not a valid URL: " + ex.getReason());
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		boolean plainAllowed = this.allowPrivateNetworks && scheme.equals("http");
		if (!scheme.equals("https") && !plainAllowed) {
			throw refused("must be an https:// URL (or a local path under an allowed root), not '" + scheme + ":'");
		}
		if (uri.getRawUserInfo() != null) {
			throw refused("must not carry credentials; give the token as 'accessToken'");
		}
		if (uri.getHost() == null || uri.getHost().isBlank()) {
			throw refused("has no host");
		}
		if (!this.allowPrivateNetworks) {
			checkPublic(uri.getHost());
		}
		return uri;
	}

	private void checkPublic(String host) {
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(host);
		}
		catch (UnknownHostException ex) {
			throw refused("names the host '" + host + "', which does not resolve");
		}
		for (InetAddress address : addresses) {
			if (isInternal(address)) {
				throw refused("points at " + address.getHostAddress()
						+ ", an internal address (loopback, link-local, private or metadata); such sources are off");
			}
		}
	}

	static boolean isInternal(InetAddress address) {
		if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
				|| address.isAnyLocalAddress() || address.isMulticastAddress()) {
			return true;
		}
		byte[] bytes = address.getAddress();
		if (address instanceof Inet4Address) {
			int first = bytes[0] & 0xff;
			int second = bytes[1] & 0xff;
			// 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8 reach inside networks too.
			return (first == 100 && second >= 64 && second < 128) || first == 0;
		}
		if (address instanceof Inet6Address) {
			// fc00::/7, unique local addresses, which isSiteLocalAddress does not cover.
			return (bytes[0] & 0xfe) == 0xfc;
		}
		return false;
	}

	private Path local(String location) {
		Path path;
		try {
			path = location.startsWith("/") ? Path.of(location) : Path.of(URI.create(location));
		}
		catch (IllegalArgumentException ex) {
			throw refused("is not a valid file location: " + ex.getMessage());
		}
		if (this.allowedRoots.isEmpty()) {
			throw refused("is a local path, and no local roots are allowed"
					+ " (devassist.rag.ingestion.allowed-local-roots)");
		}
		if (!Files.isDirectory(path)) {
			throw refused("is not a directory here");
		}
		Path real = real(path);
		if (this.allowedRoots.stream().noneMatch(real::startsWith)) {
			throw refused("lies outside the allowed local roots");
		}
		return real;
	}

	private static Path real(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			return path.toAbsolutePath().normalize();
		}
	}

	private static ApiException refused(String why) {
		return ApiException.invalid("location", "Field 'location' " + why + ".");
	}

	/**
	 * Where a git source is read from: a remote URL or a local directory.
	 *
	 * @param remote the URL, for a remote
	 * @param local the directory, for a local repository
	 */
	record GitLocation(@Nullable URI remote, @Nullable Path local) {
	}

}

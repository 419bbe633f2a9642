package dev.devassist.rag.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The embedded store: a directory on local disk, one file per key. Writes go to a
 * temporary file first and are moved into place, so a crash never leaves half a blob
 * under its key.
 */
public final class FileBlobStore implements BlobStore {

	private final Path root;

	/**
	 * Opens the store.
	 * @param root its directory, created when missing
	 */
	public FileBlobStore(Path root) {
		this.root = root.toAbsolutePath().normalize();
		try {
			Files.createDirectories(this.root);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the file store at " + this.root, ex);
		}
	}

	@Override
	public void put(String key, byte[] bytes) {
		Path target = resolve(key);
		try {
			Files.createDirectories(target.getParent());
			Path temporary = Files.createTempFile(target.getParent(), ".put-", ".tmp");
			Files.write(temporary, bytes);
			Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot store " + key + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public Optional<byte[]> get(String key) {
		try {
			return Optional.of(Files.readAllBytes(resolve(key)));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + key + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public void deletePrefix(String prefix) {
		Path directory = resolve(prefix);
		if (!Files.isDirectory(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + prefix + ": " + ex.getMessage(), ex);
		}
	}

	private Path resolve(String key) {
		Path path = this.root.resolve(key).normalize();
		if (!path.startsWith(this.root) || path.equals(this.root)) {
			throw new IllegalArgumentException("The key '" + key + "' leaves the store");
		}
		return path;
	}

}

package dev.devassist.rag.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.devassist.platform.web.ApiException;
import dev.devassist.rag.chunking.Languages;
import dev.devassist.rag.ingestion.TextExtraction;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * Checks uploaded files before anything is stored: names stay inside the source, each
 * file is of a type we can read and within the size limit, archives expand to at most so
 * many files and bytes (counted as they expand, whatever their headers claim), and
 * documents actually parse. Every refusal is a 4xx that names the file.
 */
final class Uploads {

	private static final Set<String> TEXT_NAMES = Set.of("readme", "license", "makefile", "dockerfile", "changelog",
			"notice", "contributing", "authors", "jenkinsfile", "procfile");

	private static final Set<String> TEXT_EXTENSIONS = Set.of("txt", "text", "rst", "adoc", "asciidoc", "log", "csv",
			"tsv");

	private final long maxFileSize;

	private final long maxExtractedSize;

	private final int maxFiles;

	private final TextExtraction extraction;

	private final FileRules rules = new FileRules();

	Uploads(long maxFileSize, long maxExtractedSize, int maxFiles, TextExtraction extraction) {
		this.maxFileSize = maxFileSize;
		this.maxExtractedSize = maxExtractedSize;
		this.maxFiles = maxFiles;
		this.extraction = extraction;
	}

	/**
	 * Reads one uploaded part: a file, or a zip archive of files.
	 * @param name the part's file name
	 * @param bytes its content
	 * @return the files it holds
	 */
	List<UploadedFile> read(String name, byte[] bytes) {
		String path = UploadPaths.clean(name, "files");
		if (path.toLowerCase(Locale.ROOT).endsWith(".zip")) {
			return archive(path, bytes);
		}
		return List.of(file(path, bytes));
	}

	private UploadedFile file(String path, byte[] bytes) {
		if (bytes.length > this.maxFileSize) {
			throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file-too-large", "The file '" + path + "' has "
					+ bytes.length + " bytes; at most " + this.maxFileSize + " are accepted.", "files");
		}
		if (!isSupported(path)) {
			throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-type", "The file '" + path
					+ "' is of a type that cannot be indexed; upload code, text, Markdown, PDF or Office documents.",
					"files");
		}
		TextExtraction.Extracted extracted = this.extraction.extract(path, bytes);
		if (extracted.text() == null) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "unreadable-file",
					"The file '" + path + "' cannot be read: " + extracted.skipped() + ".", "files");
		}
		// A document's text is kept, so that ingestion need not parse it again.
		return new UploadedFile(path, bytes, TextExtraction.isDocument(path) ? extracted.text() : null);
	}

	private List<UploadedFile> archive(String archivePath, byte[] bytes) {
		String base = archivePath.substring(0, archivePath.length() - 4);
		List<UploadedFile> files = new ArrayList<>();
		Set<String> names = new HashSet<>();
		long expanded = 0;
		try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
			ZipEntry entry;
			while ((entry = zip.getNextEntry()) != null) {
				if (entry.isDirectory()) {
					continue;
				}
				String path = UploadPaths.clean(entry.getName(), "files");
				if (files.size() >= this.maxFiles) {
					throw archiveRefused(archivePath, "holds more than " + this.maxFiles + " files");
				}
				byte[] content = readBounded(zip, archivePath, path, this.maxExtractedSize - expanded);
				expanded += content.length;
				if (!this.rules.isWanted(path) || !isSupported(path)) {
					continue;
				}
				if (names.add(path)) {
					files.add(file(base + "/" + path, content));
				}
			}
		}
		catch (IOException ex) {
			throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "unreadable-file",
					"The archive '" + archivePath + "' cannot be read: " + ex.getMessage() + ".", "files");
		}
		if (files.isEmpty()) {
			throw archiveRefused(archivePath, "holds no file that can be indexed");
		}
		return files;
	}

	private byte[] readBounded(InputStream in, String archivePath, String path, long budget) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[16 * 1024];
		long limit = Math.min(budget, this.maxFileSize);
		int read;
		while ((read = in.read(buffer)) >= 0) {
			if (out.size() + (long) read > limit) {
				throw archiveRefused(archivePath,
						(limit < this.maxFileSize) ? "expands to more than " + this.maxExtractedSize + " bytes"
								: "holds '" + path + "', larger than " + this.maxFileSize + " bytes");
			}
			out.write(buffer, 0, read);
		}
		return out.toByteArray();
	}

	static boolean isSupported(String path) {
		if (TextExtraction.isDocument(path)) {
			return true;
		}
		String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
		int dot = name.lastIndexOf('.');
		if (dot <= 0 || TEXT_NAMES.contains(name)) {
			return true;
		}
		// Languages calls any unknown extension text; only the ones that are text count
		// here.
		String language = Languages.of(path);
		return !language.equals(Languages.TEXT) || TEXT_EXTENSIONS.contains(name.substring(dot + 1));
	}

	private static ApiException archiveRefused(String archivePath, String why) {
		return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "archive-refused",
				"The archive '" + archivePath + "' " + why + ".", "files");
	}

	/**
	 * A file that passed the checks.
	 *
	 * @param path its path in the source
	 * @param bytes its content
	 * @param text the text extracted from it, for a document (PDF, Office)
	 */
	record UploadedFile(String path, byte[] bytes, @Nullable String text) {
	}

}

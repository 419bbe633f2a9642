package dev.devassist.rag.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import dev.devassist.platform.web.ApiException;
import dev.devassist.rag.chunking.Languages;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.ingestion.Job;
import dev.devassist.rag.ingestion.JobScheduler;
import dev.devassist.rag.ingestion.TextExtraction;
import org.jspecify.annotations.Nullable;

/**
 * What a tenant can do with sources: add a git repository or uploaded files, sync, read a
 * file's lines, remove. Every operation is scoped by the caller's tenant; a source of
 * another tenant is "not found", never "forbidden", so ids reveal nothing.
 */
public final class Sources {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

	private static final int MAX_NAME = 200;

	private static final int MAX_LINES = 2000;

	private final SourceRepository repository;

	private final BlobStore blobs;

	private final ChunkIndex index;

	private final GitLocations locations;

	private final GitRepositories git;

	private final JobScheduler scheduler;

	private final Uploads uploads;

	public Sources(SourceRepository repository, BlobStore blobs, ChunkIndex index, GitLocations locations,
			GitRepositories git, JobScheduler scheduler, Uploads uploads) {
		this.repository = repository;
		this.blobs = blobs;
		this.index = index;
		this.locations = locations;
		this.git = git;
		this.scheduler = scheduler;
		this.uploads = uploads;
	}

	/**
	 * Adds a git repository and queues its first indexing.
	 * @param tenant the caller's tenant
	 * @param request what the caller sent
	 * @return the source, its job and the webhook secret, shown this once
	 */
	public Created addGit(String tenant, GitSourceRequest request) {
		String location = required(request.location(), "location");
		this.locations.check(location);
		String branch = request.branch();
		if (branch != null && (!BRANCH.matcher(branch).matches() || branch.contains(".."))) {
			throw ApiException.invalid("branch", "Field 'branch' must be a branch name such as 'main'.");
		}
		String token = request.accessToken();
		if (token != null && (token.isBlank() || token.length() > 1024)) {
			throw ApiException.invalid("accessToken", "Field 'accessToken' must have 1 to 1024 characters.");
		}
		String name = (request.name() != null) ? name(request.name()) : defaultName(location);
		String secret = HexFormat.of().formatHex(random(24));
		Source source = newSource(tenant, Source.Kind.GIT, name, location, branch);
		// TODO(#4): encrypt access tokens at rest with a configured key; today they rely
		// on
		// the database's own protection and are never returned or logged.
		this.repository.insert(source, token, sha256(secret));
		Job job = this.scheduler.schedule(tenant, source.id(), Job.Trigger.CREATE);
		return new Created(this.repository.find(tenant, source.id()).orElseThrow(), job, secret);
	}

	/**
	 * Adds a source of uploaded files and queues its indexing.
	 * @param tenant the caller's tenant
	 * @param name what to call it, or null for a name from the first file
	 * @param parts the uploaded parts, by file name
	 * @return the source and its job
	 */
	public Created addUpload(String tenant, @Nullable String name, List<Part> parts) {
		List<Uploads.UploadedFile> files = read(parts);
		String sourceName = (name != null) ? name(name) : files.get(0).path();
		Source source = newSource(tenant, Source.Kind.UPLOAD, sourceName, null, null);
		this.repository.insert(source, null, null);
		store(source, files);
		Job job = this.scheduler.schedule(tenant, source.id(), Job.Trigger.CREATE);
		return new Created(this.repository.find(tenant, source.id()).orElseThrow(), job, null);
	}

	/**
	 * Adds or replaces files of an upload source.
	 * @param tenant the caller's tenant
	 * @param sourceId the source
	 * @param parts the uploaded parts
	 * @return the job that indexes them
	 */
	public Job addFiles(String tenant, String sourceId, List<Part> parts) {
		Source source = find(tenant, sourceId);
		if (source.kind() != Source.Kind.UPLOAD) {
			throw ApiException.conflict("Source " + sourceId + " is a git repository; push to it and sync instead.");
		}
		store(source, read(parts));
		return this.scheduler.schedule(tenant, sourceId, Job.Trigger.UPLOAD);
	}

	public List<Source> list(String tenant) {
		return this.repository.list(tenant);
	}

	public Source find(String tenant, String sourceId) {
		return this.repository.find(tenant, sourceId)
			.orElseThrow(() -> ApiException.notFound("There is no source " + sourceId + "."));
	}

	public List<Document> documents(String tenant, String sourceId) {
		find(tenant, sourceId);
		return this.repository.documents(tenant, sourceId);
	}

	/**
	 * Queues a sync of a source.
	 * @param tenant the caller's tenant
	 * @param sourceId the source
	 * @param trigger what asks for it
	 * @return the job
	 */
	public Job sync(String tenant, String sourceId, Job.Trigger trigger) {
		find(tenant, sourceId);
		return this.scheduler.schedule(tenant, sourceId, trigger);
	}

	/**
	 * Whether a webhook's token is the source's secret.
	 * @param sourceId the source
	 * @param token the token presented
	 * @return the source when it matches
	 */
	public @Nullable Source webhookSource(String sourceId, @Nullable String token) {
		if (token == null) {
			return null;
		}
		String expected = this.repository.webhookSecretHash(sourceId).orElse(null);
		boolean matches = expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				sha256(token).getBytes(StandardCharsets.US_ASCII));
		return matches ? this.repository.findById(sourceId).orElse(null) : null;
	}

	/**
	 * Removes a source: its chunks, stored files, mirror and records.
	 * @param tenant the caller's tenant
	 * @param sourceId the source
	 */
	public void delete(String tenant, String sourceId) {
		Source source = find(tenant, sourceId);
		this.index.deleteSource(tenant, source.id());
		this.repository.delete(tenant, source.id());
		this.blobs.deletePrefix(BlobStore.prefix(tenant, source.id()));
		this.git.delete(source.id());
	}

	/**
	 * Reads lines of a file as the index holds it, for citations to open.
	 * @param tenant the caller's tenant
	 * @param sourceId the source
	 * @param path the file's path
	 * @param start the first line, from 1
	 * @param end the last line, inclusive, or null for the file's end
	 * @return the lines
	 */
	public FileLines lines(String tenant, String sourceId, String path, int start, @Nullable Integer end) {
		find(tenant, sourceId);
		if (start < 1) {
			throw ApiException.invalid("start", "Parameter 'start' must be 1 or more.");
		}
		if (end != null && end < start) {
			throw ApiException.invalid("end", "Parameter 'end' must not come before 'start'.");
		}
		Document document = this.repository.document(tenant, sourceId, path)
			.orElseThrow(() -> ApiException.notFound("Source " + sourceId + " has no file '" + path + "'."));
		String key = TextExtraction.isDocument(path) ? BlobStore.textKey(tenant, sourceId, document.contentHash())
				: BlobStore.key(tenant, sourceId, document.contentHash());
		byte[] bytes = this.blobs.get(key)
			.orElseThrow(() -> ApiException
				.notFound("The file '" + path + "' is not stored yet; it is still being" + " indexed."));
		String[] all = new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
		int last = Math.min((end != null) ? end : all.length, all.length);
		last = Math.min(last, start + MAX_LINES - 1);
		List<String> lines = (start <= last) ? List.of(all).subList(start - 1, last) : List.of();
		return new FileLines(sourceId, path, document.language(), start, start + lines.size() - 1, all.length, lines);
	}

	private List<Uploads.UploadedFile> read(List<Part> parts) {
		if (parts.isEmpty()) {
			throw ApiException.invalid("files", "Send at least one file as a multipart part named 'files'.");
		}
		List<Uploads.UploadedFile> files = new ArrayList<>();
		for (Part part : parts) {
			files.addAll(this.uploads.read(part.filename(), part.bytes()));
		}
		return files;
	}

	private void store(Source source, List<Uploads.UploadedFile> files) {
		List<String> hashes = new ArrayList<>(files.size());
		for (Uploads.UploadedFile file : files) {
			String hash = sha256(file.bytes());
			this.blobs.put(BlobStore.key(source.tenant(), source.id(), hash), file.bytes());
			if (file.text() != null) {
				this.blobs.put(BlobStore.textKey(source.tenant(), source.id(), hash),
						file.text().getBytes(StandardCharsets.UTF_8));
			}
			hashes.add(hash);
		}
		// One transaction for all the records: a commit per file would cost a disk flush
		// each. A blob stored without its record (a crash in between) is only unused.
		this.repository.inTransaction(() -> {
			for (int i = 0; i < files.size(); i++) {
				Uploads.UploadedFile file = files.get(i);
				this.repository.putDocument(source.tenant(), source.id(), file.path(), hashes.get(i),
						Languages.of(file.path()), file.bytes().length);
			}
		});
	}

	private static Source newSource(String tenant, Source.Kind kind, String name, @Nullable String location,
			@Nullable String branch) {
		String id = "src_" + HexFormat.of().formatHex(random(10));
		Instant now = Instant.now();
		return new Source(id, tenant, kind, name, location, branch, Source.Status.PENDING, null, null, 0, 0, now, now);
	}

	private static String required(@Nullable String value, String field) {
		if (value == null || value.isBlank()) {
			throw ApiException.invalid(field, "Field '" + field + "' is required.");
		}
		return value.strip();
	}

	private static String name(String name) {
		String stripped = name.strip();
		if (stripped.isEmpty() || stripped.length() > MAX_NAME || stripped.chars().anyMatch((c) -> c < 0x20)) {
			throw ApiException.invalid("name", "Field 'name' must have 1 to " + MAX_NAME + " printable characters.");
		}
		return stripped;
	}

	private static String defaultName(String location) {
		String trimmed = location.replaceAll("/+$", "").replaceAll("\\.git$", "");
		String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
		return last.isEmpty() ? "repository" : (last.length() > MAX_NAME ? last.substring(0, MAX_NAME) : last);
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	static String sha256(String text) {
		return sha256(text.getBytes(StandardCharsets.UTF_8));
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What a caller sends to add a git repository.
	 *
	 * @param name what to call it; the repository's name when absent
	 * @param location an https URL, or a local path under an allowed root
	 * @param branch the branch to follow; the default branch when absent
	 * @param accessToken a token for private repositories (GitLab: a project or personal
	 * access token with read_repository)
	 */
	public record GitSourceRequest(@Nullable String name, @Nullable String location, @Nullable String branch,
			@Nullable String accessToken) {
	}

	/**
	 * One uploaded part.
	 *
	 * @param filename its file name
	 * @param bytes its content
	 */
	public record Part(String filename, byte[] bytes) {
	}

	/**
	 * A source just added.
	 *
	 * @param source the source
	 * @param job the job indexing it
	 * @param webhookSecret the GitLab webhook's secret token, shown only now
	 */
	public record Created(Source source, Job job, @Nullable String webhookSecret) {
	}

	/**
	 * Lines of a stored file.
	 *
	 * @param sourceId the source
	 * @param path the path
	 * @param language its language id
	 * @param startLine the first line returned
	 * @param endLine the last line returned
	 * @param totalLines the file's length in lines
	 * @param lines the lines
	 */
	public record FileLines(String sourceId, String path, String language, int startLine, int endLine, int totalLines,
			List<String> lines) {
	}

}

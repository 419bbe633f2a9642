package dev.devassist.rag.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.jspecify.annotations.Nullable;

/**
 * Reads git sources with JGit. A remote is mirrored as a bare repository under the data
 * directory and fetched on each sync; a local repository is read in place. Files are read
 * from git's object database by their tree, never checked out, so no path in a repository
 * can write outside it.
 */
public final class GitRepositories {

	private final Path mirrors;

	private final Duration timeout;

	/**
	 * @param mirrors where bare mirrors of remotes are kept
	 * @param timeout the longest a clone or fetch may take
	 */
	public GitRepositories(Path mirrors, Duration timeout) {
		this.mirrors = mirrors;
		this.timeout = timeout;
	}

	/**
	 * Brings a source's repository up to date and opens its branch's newest commit.
	 * @param sourceId the source, naming its mirror
	 * @param location where the repository is
	 * @param branch the branch, or null for the remote's default (HEAD)
	 * @param token an access token, for HTTPS remotes that need one
	 * @return the snapshot; close it when done
	 * @throws GitException when the repository cannot be read, saying why
	 */
	Snapshot open(String sourceId, GitLocations.GitLocation location, @Nullable String branch, @Nullable String token) {
		try {
			Repository repository = (location.local() != null) ? local(location.local())
					: mirror(sourceId, location.remote().toString(), token);
			try {
				ObjectId head = resolve(repository, branch);
				return new Snapshot(repository, head);
			}
			catch (RuntimeException | IOException ex) {
				repository.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new GitException("The repository cannot be read: " + ex.getMessage(), ex);
		}
		catch (GitAPIException ex) {
			throw new GitException("The repository cannot be fetched: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Forgets a source's mirror.
	 * @param sourceId the source
	 */
	void delete(String sourceId) {
		Path mirror = this.mirrors.resolve(sourceId + ".git");
		if (!Files.exists(mirror)) {
			return;
		}
		try (var paths = Files.walk(mirror)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete the mirror of " + sourceId, ex);
		}
	}

	private static Repository local(Path directory) throws IOException {
		FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(directory.toFile());
		if (builder.getGitDir() == null) {
			throw new IOException(directory + " is not inside a git repository");
		}
		return builder.setMustExist(true).build();
	}

	private Repository mirror(String sourceId, String url, @Nullable String token) throws IOException, GitAPIException {
		Path directory = this.mirrors.resolve(sourceId + ".git");
		CredentialsProvider credentials = (token != null) ? new UsernamePasswordCredentialsProvider("oauth2", token)
				: null;
		int seconds = (int) Math.max(1, this.timeout.toSeconds());
		if (!Files.exists(directory.resolve("HEAD"))) {
			Files.createDirectories(this.mirrors);
			try (Git git = Git.cloneRepository()
				.setURI(url)
				.setBare(true)
				.setDirectory(directory.toFile())
				.setCredentialsProvider(credentials)
				.setTimeout(seconds)
				.setCloneAllBranches(true)
				.call()) {
				return git.getRepository();
			}
		}
		Repository repository = new FileRepositoryBuilder().setGitDir(directory.toFile()).setMustExist(true).build();
		try (Git git = new Git(repository)) {
			git.fetch()
				.setRemote(Constants.DEFAULT_REMOTE_NAME)
				.setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"))
				.setCredentialsProvider(credentials)
				.setTimeout(seconds)
				.setRemoveDeletedRefs(true)
				.call();
		}
		return repository;
	}

	private static ObjectId resolve(Repository repository, @Nullable String branch) throws IOException {
		String name = (branch != null) ? Constants.R_HEADS + branch : Constants.HEAD;
		Ref ref = repository.exactRef(name);
		if (ref == null || ref.getObjectId() == null) {
			throw new GitException((branch != null) ? "The branch '" + branch + "' does not exist"
					: "The repository has no commits on its default branch", null);
		}
		return ref.getObjectId();
	}

	/**
	 * A repository at one commit.
	 */
	static final class Snapshot implements AutoCloseable {

		private final Repository repository;

		private final RevCommit commit;

		Snapshot(Repository repository, ObjectId head) throws IOException {
			this.repository = repository;
			try (RevWalk walk = new RevWalk(repository)) {
				this.commit = walk.parseCommit(head);
			}
		}

		String commit() {
			return this.commit.getName();
		}

		/**
		 * Every regular file of the commit's tree, with its blob id; submodules and
		 * symbolic links are left out.
		 * @return the files
		 */
		List<TreeFile> files() {
			List<TreeFile> files = new ArrayList<>();
			try (TreeWalk walk = new TreeWalk(this.repository)) {
				walk.addTree(this.commit.getTree());
				walk.setRecursive(true);
				while (walk.next()) {
					FileMode mode = walk.getFileMode(0);
					if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
						files.add(new TreeFile(walk.getPathString(), walk.getObjectId(0).getName()));
					}
				}
			}
			catch (IOException ex) {
				throw new GitException("The commit's files cannot be listed: " + ex.getMessage(), ex);
			}
			return files;
		}

		/**
		 * The size of a blob, without reading it.
		 * @param blobId the blob
		 * @return its size in bytes
		 */
		long size(String blobId) {
			try {
				return this.repository.getObjectDatabase().open(ObjectId.fromString(blobId)).getSize();
			}
			catch (IOException ex) {
				throw new GitException("A file cannot be read: " + ex.getMessage(), ex);
			}
		}

		/**
		 * Reads a blob.
		 * @param blobId the blob
		 * @return its bytes
		 */
		byte[] read(String blobId) {
			try {
				ObjectLoader loader = this.repository.getObjectDatabase().open(ObjectId.fromString(blobId));
				return loader.getBytes();
			}
			catch (IOException ex) {
				throw new GitException("A file cannot be read: " + ex.getMessage(), ex);
			}
		}

		@Override
		public void close() {
			this.repository.close();
		}

	}

	/**
	 * A file of a tree.
	 *
	 * @param path its path
	 * @param blobId its git blob id, a hash of its content
	 */
	record TreeFile(String path, String blobId) {
	}

	/**
	 * A git source cannot be read.
	 */
	static final class GitException extends RuntimeException {

		GitException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}

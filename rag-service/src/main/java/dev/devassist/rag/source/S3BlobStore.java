package dev.devassist.rag.source;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.devassist.rag.RagProperties;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import okhttp3.OkHttpClient;

/**
 * Blobs in an S3-compatible store (MinIO in production) through the MinIO client, in one
 * bucket that is created when missing.
 */
public final class S3BlobStore implements BlobStore {

	private final MinioClient client;

	private final String bucket;

	/**
	 * Connects to the store and makes sure the bucket exists.
	 * @param properties where the store is and how to sign in
	 */
	public S3BlobStore(RagProperties.S3 properties) {
		long millis = properties.timeout().toMillis();
		OkHttpClient http = new OkHttpClient.Builder().connectTimeout(Math.min(millis, 10_000), TimeUnit.MILLISECONDS)
			.readTimeout(millis, TimeUnit.MILLISECONDS)
			.writeTimeout(millis, TimeUnit.MILLISECONDS)
			.callTimeout(millis, TimeUnit.MILLISECONDS)
			.build();
		this.client = MinioClient.builder()
			.endpoint(properties.endpoint().toString())
			.region(properties.region())
			.credentials(properties.accessKey(), properties.secretKey())
			.httpClient(http)
			.build();
		this.bucket = properties.bucket();
		call(() -> {
			if (!this.client.bucketExists(BucketExistsArgs.builder().bucket(this.bucket).build())) {
				this.client.makeBucket(MakeBucketArgs.builder().bucket(this.bucket).build());
			}
			return null;
		}, "open bucket " + this.bucket);
	}

	@Override
	public void put(String key, byte[] bytes) {
		call(() -> this.client.putObject(PutObjectArgs.builder()
			.bucket(this.bucket)
			.object(key)
			.stream(new ByteArrayInputStream(bytes), bytes.length, -1)
			.contentType("application/octet-stream")
			.build()), "store " + key);
	}

	@Override
	public Optional<byte[]> get(String key) {
		return call(() -> {
			try (InputStream in = this.client
				.getObject(GetObjectArgs.builder().bucket(this.bucket).object(key).build())) {
				return Optional.of(in.readAllBytes());
			}
			catch (ErrorResponseException ex) {
				if ("NoSuchKey".equals(ex.errorResponse().code())) {
					return Optional.<byte[]>empty();
				}
				throw ex;
			}
		}, "read " + key);
	}

	@Override
	public void deletePrefix(String prefix) {
		call(() -> {
			List<DeleteObject> objects = new ArrayList<>();
			for (Result<Item> item : this.client
				.listObjects(ListObjectsArgs.builder().bucket(this.bucket).prefix(prefix).recursive(true).build())) {
				objects.add(new DeleteObject(item.get().objectName()));
			}
			for (Result<DeleteError> error : this.client
				.removeObjects(RemoveObjectsArgs.builder().bucket(this.bucket).objects(objects).build())) {
				DeleteError failed = error.get();
				throw new IllegalStateException("Cannot delete " + failed.objectName() + ": " + failed.message());
			}
			return null;
		}, "delete " + prefix);
	}

	private static <T> T call(S3Call<T> call, String what) {
		try {
			return call.run();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException("The S3 store failed to " + what + ": " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface S3Call<T> {

		T run() throws Exception;

	}

}

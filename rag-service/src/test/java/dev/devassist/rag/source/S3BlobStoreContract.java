package dev.devassist.rag.source;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the S3 store must do against any S3 server: s3proxy in process everywhere, MinIO
 * in a container where Docker runs.
 */
abstract class S3BlobStoreContract {

	/** The store under test, against the subclass's server. */
	abstract S3BlobStore store();

	@Test
	void whenBlobIsPutThenItIsReadBack() {
		store().put("acme/src_1/abc", "hello".getBytes(StandardCharsets.UTF_8));

		assertThat(store().get("acme/src_1/abc"))
			.hasValueSatisfying((bytes) -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("hello"));
	}

	@Test
	void whenKeyHoldsNothingThenReadIsEmpty() {
		assertThat(store().get("acme/src_1/missing")).isEmpty();
	}

	@Test
	void whenPrefixIsDeletedThenOnlyItsBlobsGo() {
		store().put("acme/src_2/a", new byte[] { 1 });
		store().put("acme/src_2/b", new byte[] { 2 });
		store().put("acme/src_3/a", new byte[] { 3 });

		store().deletePrefix("acme/src_2/");

		assertThat(store().get("acme/src_2/a")).isEmpty();
		assertThat(store().get("acme/src_2/b")).isEmpty();
		assertThat(store().get("acme/src_3/a")).isPresent();
	}

}

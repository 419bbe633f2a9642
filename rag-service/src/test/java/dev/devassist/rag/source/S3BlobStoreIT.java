package dev.devassist.rag.source;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.devassist.rag.RagProperties;

/**
 * The S3 store against s3proxy, a real S3 server run in process over a transient jclouds
 * store, through the MinIO client as production uses it with MinIO.
 */
class S3BlobStoreIT extends S3BlobStoreContract {

	static S3Proxy s3;

	static S3BlobStore store;

	@BeforeAll
	static void start() throws Exception {
		BlobStoreContext context = ContextBuilder.newBuilder("transient")
			.credentials("identity", "credential")
			.overrides(new Properties())
			.build(BlobStoreContext.class);
		s3 = S3Proxy.builder()
			.blobStore(context.getBlobStore())
			.endpoint(URI.create("http://127.0.0.1:0"))
			.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access-key", "secret-key")
			.build();
		s3.start();
		int port = s3.getPort();
		store = new S3BlobStore(new RagProperties.S3(URI.create("http://127.0.0.1:" + port), "us-east-1",
				"devassist-test", "access-key", "secret-key", Duration.ofSeconds(10)));
	}

	@AfterAll
	static void stop() throws Exception {
		s3.stop();
	}

	@Override
	S3BlobStore store() {
		return store;
	}

}

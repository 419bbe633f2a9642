package dev.devassist.rag.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;

/**
 * Words of code and prose alike: identifiers are kept whole and also split on case
 * changes, underscores and digits ({@code parseJsonFile} also yields {@code parse},
 * {@code json}, {@code file}), then lowercased, stripped of English stop words and
 * stemmed, so that a question in prose meets the identifiers that answer it.
 */
final class CodeAnalyzer extends Analyzer {

	/** One shared instance: an analyzer keeps its token streams per thread. */
	static final CodeAnalyzer INSTANCE = new CodeAnalyzer();

	private static final int SPLITS = WordDelimiterGraphFilter.GENERATE_WORD_PARTS
			| WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE
			| WordDelimiterGraphFilter.SPLIT_ON_NUMERICS | WordDelimiterGraphFilter.PRESERVE_ORIGINAL
			| WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE;

	@Override
	protected TokenStreamComponents createComponents(String fieldName) {
		Tokenizer words = CharTokenizer.fromTokenCharPredicate((c) -> Character.isLetterOrDigit(c) || c == '_');
		TokenStream stream = new WordDelimiterGraphFilter(words, SPLITS, null);
		stream = new FlattenGraphFilter(stream);
		stream = new LowerCaseFilter(stream);
		stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
		stream = new PorterStemFilter(stream);
		return new TokenStreamComponents(words, stream);
	}

	/**
	 * The distinct terms of a text with how often each occurs, as a query or a sparse
	 * vector needs them.
	 * @param text the text
	 * @param max the most distinct terms to keep, in order of first occurrence
	 * @return the counts by term
	 */
	static Map<String, Integer> termCounts(String text, int max) {
		Map<String, Integer> terms = new LinkedHashMap<>();
		try (TokenStream stream = INSTANCE.tokenStream("text", text)) {
			CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
			stream.reset();
			while (stream.incrementToken() && terms.size() < max) {
				terms.merge(term.toString(), 1, Integer::sum);
			}
			stream.end();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return terms;
	}

}

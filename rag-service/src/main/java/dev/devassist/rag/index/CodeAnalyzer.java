package dev.devassist.rag.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.util.CharTokenizer;

/**
 * Words of code and prose alike: identifiers are kept whole and also split on case
 * changes, underscores and digits ({@code parseJsonFile} also yields {@code parse},
 * {@code json}, {@code file}), then lowercased, stripped of English stop words and
 * stemmed, so that a question in prose meets the identifiers that answer it.
 */
final class CodeAnalyzer extends Analyzer {

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

}

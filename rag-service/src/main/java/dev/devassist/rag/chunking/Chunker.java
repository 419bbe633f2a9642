package dev.devassist.rag.chunking;

import java.util.List;

/**
 * Splits the text of a file into chunks.
 */
public interface Chunker {

	/**
	 * Splits the text of the file at the given path into chunks, in file order.
	 * @param path the file's path, whose name decides the language
	 * @param text the file's content
	 * @return the chunks; empty when the text holds nothing but whitespace
	 */
	List<Chunk> chunk(String path, String text);

}

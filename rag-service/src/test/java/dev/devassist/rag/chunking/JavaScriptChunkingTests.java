package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JavaScriptChunkingTests {

	private static final String PLAYER = """
			import { clamp } from './math.js';

			/** Plays one track at a time. */
			export class Player {
			  #volume = 0.5;

			  play(track) {
			    this.current = track;
			    this.emit('play', { track, startedAt: Date.now(), volume: this.#volume });
			  }

			  setVolume(volume) {
			    this.#volume = clamp(volume, 0, 1);
			    this.emit('volume', { volume: this.#volume, track: this.current });
			  }

			  handleEnded = (event) => {
			    this.emit('ended', { track: this.current, at: event.timeStamp, reason: 'finished' });
			  };
			}

			export const formatDuration = (seconds) => {
			  const minutes = Math.floor(seconds / 60);
			  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
			};

			export default function createPlayer(options = {}) {
			  return Object.assign(new Player(), options);
			}
			""";

	@Test
	void whenClassIsSplitThenMethodsAreNamedClassDotMethod() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("player.js", PLAYER);

		assertThat(SourceText.symbols(chunks)).contains("Player.play", "Player.setVolume");
	}

	@Test
	void whenClassFieldHoldsAnArrowFunctionThenItIsNamedLikeAMethod() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("player.js", PLAYER);

		Chunk handleEnded = SourceText.chunkNamed(chunks, "Player.handleEnded");
		assertThat(handleEnded.startLine()).isEqualTo(SourceText.lineOf(PLAYER, "handleEnded = (event)"));
	}

	@Test
	void whenConstantHoldsAnArrowFunctionThenItIsNamedAfterTheConstant() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("player.js", PLAYER);

		Chunk formatDuration = SourceText.chunkNamed(chunks, "formatDuration");
		assertThat(formatDuration.startLine()).isEqualTo(SourceText.lineOf(PLAYER, "export const formatDuration"));
		assertThat(formatDuration.endLine()).isEqualTo(SourceText.lineOf(PLAYER, "padStart(2") + 1);
	}

	@Test
	void whenFunctionIsExportedAsDefaultThenItKeepsItsName() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("player.js", PLAYER);

		Chunk createPlayer = SourceText.chunkNamed(chunks, "createPlayer");
		assertThat(createPlayer.endLine()).isEqualTo(SourceText.lastLineOf(PLAYER, "}"));
	}

	@Test
	void whenDefaultExportIsAnonymousThenItIsNamedDefault() {
		String source = """
				export default function () {
				  return 42;
				}
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("answer.mjs", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("default");
	}

	@Test
	void whenFileIsJsxThenComponentsAreNamed() {
		String source = """
				import React from 'react';

				export function Greeting({ name }) {
				  return <p className="greeting">Hello, {name}!</p>;
				}
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("Greeting.jsx", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("Greeting");
	}

	@Test
	void whenFunctionIsAssignedToAPropertyThenItIsNamedAfterTheProperty() {
		String source = """
				function Cart() {
				  this.lines = [];
				  this.createdAt = new Date();
				  this.owner = null;
				}

				Cart.prototype.add = function (line) {
				  this.lines.push(line);
				  return this.lines.length;
				};

				module.exports = function createCart(owner) {
				  const cart = new Cart();
				  cart.owner = owner;
				  return cart;
				};
				""";

		List<Chunk> chunks = new SyntaxChunker(40).chunk("cart.cjs", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("Cart", "Cart.prototype.add", "module.exports");
	}

	@Test
	void whenStatementsDeclareNothingThenTheirChunkHasNoSymbol() {
		String source = """
				const express = require('express');
				const app = express();
				app.listen(3000);
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("server.cjs", source);

		assertThat(chunks).singleElement().satisfies((chunk) -> assertThat(chunk.symbol()).isNull());
	}

}

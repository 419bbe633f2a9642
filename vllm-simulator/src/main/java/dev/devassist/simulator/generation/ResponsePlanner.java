package dev.devassist.simulator.generation;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.devassist.simulator.generation.ResponseScript.ScriptedAnswer;
import dev.devassist.simulator.generation.ResponseScript.ScriptedCall;
import dev.devassist.simulator.tokens.Tokenizer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides what a choice generates. In order: a matching script rule; a tool call when the
 * request offers tools and either requires one or names one in its last user message;
 * then the configured {@link ResponseMode}. The result is cut at the first stop string
 * and at {@code max_tokens}, and padded to {@code min_tokens}, or to {@code max_tokens}
 * when {@code ignore_eos} is set.
 */
public final class ResponsePlanner {

	private static final String[] WORDS = { "the", "service", "returns", "a", "stream", "of", "tokens", "when",
			"request", "reaches", "replica", "cache", "index", "chunk", "query", "answer", "with", "citation", "file",
			"line", "and", "then", "model", "batch", "queue", "tenant", "source", "code", "function", "test" };

	private static final Pattern INLINE_ARGUMENTS = Pattern.compile("\\{.*}", Pattern.DOTALL);

	private final Tokenizer tokenizer;

	private final ResponseMode mode;

	private final ResponseScript script;

	public ResponsePlanner(Tokenizer tokenizer, ResponseMode mode, ResponseScript script) {
		this.tokenizer = tokenizer;
		this.mode = mode;
		this.script = script;
	}

	/**
	 * Plans one choice's output.
	 * @param request the request
	 * @return the plan
	 */
	public ResponsePlan plan(PlanRequest request) {
		Optional<ScriptedAnswer> scripted = this.script.answer(request);
		if (scripted.isPresent() && scripted.get().text() == null) {
			return toolPlan(request, scripted.get().calls());
		}
		if (scripted.isEmpty()) {
			List<ScriptedCall> calls = builtInToolCalls(request);
			if (!calls.isEmpty()) {
				return toolPlan(request, calls);
			}
		}
		String text = scripted.map(ScriptedAnswer::text).orElseGet(() -> defaultText(request));
		return textPlan(request, text);
	}

	private ResponsePlan textPlan(PlanRequest request, String text) {
		String finishReason = "stop";
		String stopReason = null;
		for (String stop : request.stop()) {
			int at = text.indexOf(stop);
			if (!stop.isEmpty() && at >= 0) {
				text = text.substring(0, at);
				stopReason = stop;
			}
		}

		List<String> pieces = new ArrayList<>(this.tokenizer.pieces(text));
		int wanted = request.ignoreEos() ? request.maxTokens() : Math.max(request.minTokens(), 1);
		if (pieces.size() < wanted && stopReason == null) {
			pad(pieces, wanted, random(request));
		}
		if (pieces.isEmpty()) {
			pieces.add("");
		}
		if (pieces.size() > request.maxTokens()) {
			pieces = pieces.subList(0, request.maxTokens());
			finishReason = "length";
			stopReason = null;
		}
		return new ResponsePlan(pieces, finishReason, stopReason, List.of(), List.of());
	}

	private ResponsePlan toolPlan(PlanRequest request, List<ScriptedCall> calls) {
		List<String> pieces = new ArrayList<>();
		List<ToolCall> toolCalls = new ArrayList<>();
		List<Integer> starts = new ArrayList<>();
		SplittableRandom random = random(request);
		for (ScriptedCall call : calls) {
			starts.add(pieces.size());
			List<String> argumentPieces = this.tokenizer.pieces(call.arguments());
			pieces.addAll(argumentPieces.isEmpty() ? List.of("") : argumentPieces);
			toolCalls.add(new ToolCall(toolCallId(random), call.name(), call.arguments()));
		}
		if (pieces.size() > request.maxTokens()) {
			return textPlan(request, String.join("", pieces));
		}
		return new ResponsePlan(pieces, "tool_calls", null, toolCalls, starts);
	}

	private List<ScriptedCall> builtInToolCalls(PlanRequest request) {
		if (request.tools().isEmpty() || request.toolChoice().equals("none") || !request.lastRole().equals("user")) {
			return List.of();
		}
		for (ToolDefinition tool : request.tools()) {
			boolean chosen = tool.name().equals(request.toolChoice());
			boolean mentioned = request.toolChoice().equals("auto") && request.lastText().contains(tool.name());
			if (chosen || mentioned) {
				return List.of(new ScriptedCall(tool.name(), arguments(tool, request)));
			}
		}
		if (request.toolChoice().equals("required")) {
			ToolDefinition first = request.tools().getFirst();
			return List.of(new ScriptedCall(first.name(), arguments(first, request)));
		}
		return List.of();
	}

	private static String arguments(ToolDefinition tool, PlanRequest request) {
		String text = request.lastText();
		int mention = text.indexOf(tool.name());
		Matcher inline = INLINE_ARGUMENTS.matcher((mention >= 0) ? text.substring(mention) : "");
		if (inline.find()) {
			try {
				return JsonMapper.shared().readTree(inline.group()).toString();
			}
			catch (JacksonException ex) {
				// Not JSON after all: synthesize the arguments from the schema instead.
			}
		}
		ObjectNode arguments = JsonMapper.shared().createObjectNode();
		for (String name : tool.required()) {
			switch (tool.types().getOrDefault(name, "string")) {
				case "integer", "number" -> arguments.put(name, 1);
				case "boolean" -> arguments.put(name, true);
				case "array" -> arguments.putArray(name);
				case "object" -> arguments.putObject(name);
				default -> arguments.put(name, abbreviate(request.lastUserText()));
			}
		}
		return arguments.toString();
	}

	private String defaultText(PlanRequest request) {
		if (this.mode == ResponseMode.ECHO) {
			return request.lastText();
		}
		SplittableRandom random = random(request);
		List<String> pieces = new ArrayList<>();
		pad(pieces, Math.min(request.maxTokens(), 16 + random.nextInt(112)), random);
		return String.join("", pieces);
	}

	private static void pad(List<String> pieces, int wanted, SplittableRandom random) {
		while (pieces.size() < wanted) {
			String word = WORDS[random.nextInt(WORDS.length)];
			pieces.add(pieces.isEmpty() ? word : " " + word);
		}
	}

	private static SplittableRandom random(PlanRequest request) {
		long seed = (request.seed() != null) ? request.seed() : request.promptHash();
		return new SplittableRandom(seed * 31 + request.choice());
	}

	private static String toolCallId(SplittableRandom random) {
		return "chatcmpl-tool-" + HexFormat.of().toHexDigits(random.nextLong());
	}

	private static String abbreviate(String text) {
		String trimmed = text.strip();
		return (trimmed.length() <= 200) ? trimmed : trimmed.substring(0, 200);
	}

}

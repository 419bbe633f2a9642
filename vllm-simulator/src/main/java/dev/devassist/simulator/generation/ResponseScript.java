package dev.devassist.simulator.generation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scripted answers, read from a JSON file of rules. The first rule whose pattern is found
 * in the last message (of the rule's role, {@code user} by default) decides the answer: a
 * text, in which {@code $1}..{@code $9} stand for the pattern's groups, or tool calls,
 * made only when the request offers a function of that name.
 *
 * <pre>
 * {"rules": [
 *   {"match": "(?i)where is (\\w+) defined", "toolCalls": [{"name": "search_code", "arguments": {"query": "$1"}}]},
 *   {"match": ".*", "role": "tool", "text": "Found it: see the cited file."}
 * ]}
 * </pre>
 */
public final class ResponseScript {

	/** A script with no rules. */
	public static final ResponseScript EMPTY = new ResponseScript(List.of());

	private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$(\\d)");

	private final List<CompiledRule> rules;

	private ResponseScript(List<CompiledRule> rules) {
		this.rules = List.copyOf(rules);
	}

	/**
	 * Reads a script.
	 * @param file the JSON file
	 * @return the script
	 * @throws IllegalArgumentException when the file cannot be read or a rule is invalid
	 */
	public static ResponseScript load(Path file) {
		try {
			ScriptFile parsed = JsonMapper.shared().readValue(Files.readString(file), ScriptFile.class);
			List<CompiledRule> compiled = new ArrayList<>();
			for (int i = 0; i < parsed.rules().size(); i++) {
				compiled.add(compile(parsed.rules().get(i), i));
			}
			return new ResponseScript(compiled);
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException("Cannot read the response script " + file + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Finds the answer of the first matching rule.
	 * @param request the request
	 * @return the scripted answer, if a rule matched
	 */
	Optional<ScriptedAnswer> answer(PlanRequest request) {
		for (CompiledRule rule : this.rules) {
			if (!rule.role().equals(request.lastRole())) {
				continue;
			}
			Matcher matcher = rule.pattern().matcher(request.lastText());
			if (!matcher.find()) {
				continue;
			}
			if (!rule.calls().isEmpty()) {
				List<ScriptedCall> calls = offeredCalls(rule.calls(), request.tools(), matcher);
				if (calls.isEmpty()) {
					continue;
				}
				return Optional.of(new ScriptedAnswer(null, calls));
			}
			return Optional.of(new ScriptedAnswer(expand(rule.text(), matcher), List.of()));
		}
		return Optional.empty();
	}

	private static List<ScriptedCall> offeredCalls(List<ScriptedCall> calls, List<ToolDefinition> tools,
			Matcher matcher) {
		List<ScriptedCall> offered = new ArrayList<>();
		for (ScriptedCall call : calls) {
			if (tools.stream().anyMatch((tool) -> tool.name().equals(call.name()))) {
				offered.add(new ScriptedCall(call.name(), expand(call.arguments(), matcher)));
			}
		}
		return offered;
	}

	private static String expand(String template, Matcher matcher) {
		return GROUP_REFERENCE.matcher(template).replaceAll((reference) -> {
			int group = Integer.parseInt(reference.group(1));
			String value = (group <= matcher.groupCount()) ? matcher.group(group) : "";
			return Matcher.quoteReplacement((value != null) ? value : "");
		});
	}

	private static CompiledRule compile(ScriptRule rule, int index) {
		if (rule.match() == null || rule.match().isEmpty()) {
			throw new IllegalArgumentException("rules[" + index + "].match is missing");
		}
		boolean hasCalls = rule.toolCalls() != null && !rule.toolCalls().isEmpty();
		if ((rule.text() == null) == !hasCalls) {
			throw new IllegalArgumentException("rules[" + index + "] needs either text or toolCalls");
		}
		try {
			Pattern pattern = Pattern.compile(rule.match());
			List<ScriptedCall> calls = new ArrayList<>();
			if (hasCalls) {
				for (ScriptRule.Call call : rule.toolCalls()) {
					JsonNode arguments = call.arguments();
					String text = (arguments == null) ? "{}"
							: arguments.isString() ? arguments.asString() : arguments.toString();
					calls.add(new ScriptedCall(call.name(), text));
				}
			}
			String role = (rule.role() != null) ? rule.role() : "user";
			return new CompiledRule(pattern, role, (rule.text() != null) ? rule.text() : "", calls);
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException("rules[" + index + "].match is not a valid pattern: " + ex.getMessage(),
					ex);
		}
	}

	record ScriptedAnswer(@Nullable String text, List<ScriptedCall> calls) {
	}

	record ScriptedCall(String name, String arguments) {
	}

	private record CompiledRule(Pattern pattern, String role, String text, List<ScriptedCall> calls) {
	}

	private record ScriptFile(List<ScriptRule> rules) {
	}

	private record ScriptRule(@Nullable String match, @Nullable String role, @Nullable String text,
			@Nullable List<Call> toolCalls) {

		private record Call(String name, @Nullable JsonNode arguments) {
		}

	}

}

package dev.devassist.assistant.chat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event of a chat turn's stream, the same over SSE and WebSocket: a JSON object with
 * its {@code type}, its {@code seq} in the turn (from 1; heartbeats carry the last seq
 * sent) and the type's fields. It is kept as its JSON text, written once: that is what
 * every client receives, and what a turn kept for resuming holds in memory.
 *
 * @param seq its place in the turn's stream
 * @param type what it is: {@code start}, {@code retrieval}, {@code notice},
 * {@code delta}, {@code citation}, {@code tool_call}, {@code tool_result}, {@code usage},
 * {@code done}, {@code error} or {@code heartbeat}
 * @param json the whole event, as JSON text
 */
public record ChatEvent(long seq, String type, String json) {

	private static final JsonMapper JSON = JsonMapper.shared();

	/**
	 * A new event's fields, to fill in.
	 * @return an empty object
	 */
	static ObjectNode fields() {
		return JSON.createObjectNode();
	}

	static ChatEvent of(long seq, String type, ObjectNode fields) {
		ObjectNode body = JSON.createObjectNode();
		body.put("type", type);
		body.put("seq", seq);
		body.setAll(fields);
		return new ChatEvent(seq, type, JSON.writeValueAsString(body));
	}

	/**
	 * The event read back as JSON, for callers that translate it (the OpenAI API).
	 * @return its fields, {@code type} and {@code seq} included
	 */
	public JsonNode body() {
		return JSON.readTree(this.json);
	}

	/**
	 * Whether the turn's stream ends with this event.
	 * @return true for {@code done}
	 */
	public boolean last() {
		return this.type.equals("done");
	}

}

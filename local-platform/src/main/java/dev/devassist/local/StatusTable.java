package dev.devassist.local;

import java.util.List;

/**
 * The table of what runs where, as printed once the platform is ready.
 */
final class StatusTable {

	private static final String ROW = "%-" + ConsoleLog.NAME_WIDTH + "s %-8s %-6s %s%n";

	private StatusTable() {
	}

	static String render(List<Placement> components) {
		StringBuilder table = new StringBuilder(String.format(ROW, "NAME", "PID", "PORT", "URL"));
		for (Placement component : components) {
			table.append(String.format(ROW, component.name(), component.pid(), component.port(), component.url()));
		}
		return table.toString();
	}

}

package dev.devassist.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Sends Redis commands over a plain socket in RESP, the protocol Redis speaks. The
 * launcher needs only PING and SHUTDOWN, which do not justify a client library.
 */
final class RespClient implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private final InputStream in;

	private RespClient(Socket socket) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
		this.in = new BufferedInputStream(socket.getInputStream());
	}

	/**
	 * Connects to a Redis server.
	 * @param host the server's host
	 * @param port the server's port
	 * @param timeout the bound on connecting and on each reply
	 * @return a connected client
	 * @throws IOException when the server cannot be reached in time
	 */
	static RespClient connect(String host, int port, Duration timeout) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			return new RespClient(socket);
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Sends one command and reads its reply.
	 * @param args the command and its arguments, e.g. {@code "SET", "key", "value"}
	 * @return the reply as text; {@code null} for Redis's null reply
	 * @throws IOException when the connection fails or the server answers with an error
	 */
	@Nullable String send(String... args) throws IOException {
		write(args);
		return readReply();
	}

	/**
	 * Asks the server to save its data and exit, and waits until it closes the
	 * connection.
	 * @throws IOException when the server refuses, e.g. because it could not save
	 */
	void shutdownAndSave() throws IOException {
		write("SHUTDOWN", "SAVE");
		try {
			String reply = readReply();
			throw new IOException("Redis did not shut down; it answered '" + reply + "'");
		}
		catch (EOFException ex) {
			// Redis answers a successful SHUTDOWN by closing the connection.
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private void write(String... args) throws IOException {
		ByteArrayOutputStream command = new ByteArrayOutputStream();
		command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			command.writeBytes(bytes);
			command.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		this.out.write(command.toByteArray());
		this.out.flush();
	}

	private @Nullable String readReply() throws IOException {
		int type = this.in.read();
		if (type < 0) {
			throw new EOFException("Redis closed the connection");
		}
		String line = readLine();
		return switch (type) {
			case '+', ':' -> line;
			case '-' -> throw new IOException("Redis answered with an error: " + line);
			case '$' -> readBulk(Integer.parseInt(line));
			default ->
				throw new IOException("Redis sent a reply of type '" + (char) type + "', which is not supported");
		};
	}

	private @Nullable String readBulk(int length) throws IOException {
		if (length < 0) {
			return null;
		}
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length < length) {
			throw new EOFException("Redis closed the connection in the middle of a reply");
		}
		readLine();
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = this.in.read();
			if (next < 0) {
				throw new EOFException("Redis closed the connection in the middle of a reply");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

}

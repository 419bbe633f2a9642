package dev.devassist.local;

/**
 * The platform could not start, or a part of it failed while it ran. The message says
 * what failed and where its log is.
 */
class PlatformException extends RuntimeException {

	PlatformException(String message) {
		super(message);
	}

	PlatformException(String message, Throwable cause) {
		super(message, cause);
	}

}

package org.linlang.runtime.checkpoint;

/**
 * A checkpoint folder Lin cannot use: a missing or unreadable config.json, an architecture Lin does not
 * have, a broken index or shard. The message is one complete report for the user (no stack trace needed);
 * it extends IllegalArgumentException so that {@code m.load(dir)} reports it as a Lin runtime error.
 */
public final class CheckpointException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }
}

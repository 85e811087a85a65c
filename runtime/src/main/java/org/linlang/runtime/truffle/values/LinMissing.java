package org.linlang.runtime.truffle.values;

/**
 * Marks an argument the caller left out, so the callee evaluates the parameter's default (in its own
 * frame, where earlier parameters are visible). Never visible to Lin code.
 */
public final class LinMissing {
    public static final LinMissing INSTANCE = new LinMissing();

    private LinMissing() {}

    @Override public String toString() { return "<missing>"; }
}

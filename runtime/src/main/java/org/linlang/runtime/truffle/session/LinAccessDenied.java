package org.linlang.runtime.truffle.session;

/**
 * Thrown by a file system that limits a context to some folders (such as the one
 * {@code org.linlang.runtime.api.Lin} builds) when a program reaches outside them. Its message says
 * what was refused and what is allowed; Lin shows it to the program as a Lin error.
 */
public final class LinAccessDenied extends SecurityException {
    private static final long serialVersionUID = 1L;

    public LinAccessDenied(String message) {
        super(message);
    }
}

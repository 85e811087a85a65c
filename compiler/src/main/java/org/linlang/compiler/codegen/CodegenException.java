package org.linlang.compiler.codegen;

/** What the GPU code generator cannot produce a kernel for, in one sentence that names the op and the reason. */
public final class CodegenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodegenException(String message) { super(message); }
}

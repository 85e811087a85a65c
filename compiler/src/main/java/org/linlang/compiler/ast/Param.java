package org.linlang.compiler.ast;

import org.linlang.compiler.source.Span;

/** A parameter: {@code name: type = default}; type and default are optional (null). */
public record Param(Span span, Ident name, TypeExpr type, Expr defaultValue) {}

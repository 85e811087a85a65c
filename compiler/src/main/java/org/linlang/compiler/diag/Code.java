package org.linlang.compiler.diag;

/**
 * Every diagnostic Lin reports has a stable code. docs/errors.md explains each one with an example;
 * a test keeps that page and this list in step.
 */
public enum Code {
    // syntax
    E001("syntax error"),
    E002("unterminated string"),
    E003("unterminated block comment"),
    E004("invalid character"),
    E005("invalid number"),
    E006("cannot read file"),
    // names and definitions
    E010("unknown name"),
    E011("unknown module"),
    E012("name not found in module"),
    E013("duplicate definition"),
    E014("duplicate parameter"),
    E015("cycle between definitions"),
    E016("unknown member"),
    E017("unknown type"),
    E018("unknown dimension"),
    E019("name used as the wrong kind of thing"),
    // calls
    E020("wrong number of arguments"),
    E021("unknown named argument"),
    E022("argument given twice"),
    E023("positional argument after named ones"),
    E024("missing argument"),
    E025("not callable"),
    // types
    E030("type mismatch"),
    E031("shapes do not broadcast"),
    E032("inner dimensions of @ differ"),
    E033("operand of @ has the wrong rank"),
    E034("reshape changes the number of elements"),
    E035("unknown axis"),
    E036("rank differs from the declared type"),
    E037("dimension differs from the declared type"),
    E038("condition is not a bool"),
    E039("branches have different types"),
    E040("bad index"),
    E041("element types differ"),
    E042("operator does not apply to these operands"),
    E043("more than one '..' in a shape"),
    E044("tuple pattern does not match"),
    E045("range bounds are not integers"),
    E046("list elements have different types"),
    E047("division by zero in a constant"),
    E048("value is not known at compile time"),
    // definitions' bodies
    E050("state assigned a value of another shape"),
    E051("recurrence does not emit"),
    E052("recurrence emits more than once"),
    E053("emitted value differs from the declared output"),
    E054("assignment to something that is not a variable"),
    E055("returned value differs from the declared result"),
    E056("function body does not return"),
    E057("emit outside a recurrence"),
    E058("return where it is not allowed"),
    E059("statement after return"),
    E060("block has no forward method"),
    E061("bad block member"),
    E062("recurrence state must be a tensor"),
    E063("bad block state member"),
    E064("optional value used where a value is required"),
    // internal
    E099("internal error");

    private final String title;

    Code(String title) { this.title = title; }

    public String title() { return title; }
}

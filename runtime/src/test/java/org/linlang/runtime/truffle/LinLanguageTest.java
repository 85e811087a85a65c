package org.linlang.runtime.truffle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;

/** Lin through the polyglot API, as an embedding Java application uses it. */
class LinLanguageTest {

    private static Value eval(Context context, String code) {
        return context.eval(Source.newBuilder("lin", code, "test.lin").buildLiteral());
    }

    @Test
    void evalReturnsTheValueOfTheLastExpression() {
        try (Context context = Context.create("lin")) {
            assertEquals(3, eval(context, "1 + 2").asLong());
            assertEquals(3.5, eval(context, "7 / 2").asDouble());
            assertEquals("ab", eval(context, "\"a\" + \"b\"").asString());
            assertTrue(eval(context, "print(1)").isNull());
            Value list = eval(context, "for i in 0..4: i * i");
            assertTrue(list.hasArrayElements());
            assertEquals(4, list.getArraySize());
            assertEquals(9, list.getArrayElement(3).asLong());
            assertEquals("[0, 1, 4, 9]", list.toString());
        }
    }

    @Test
    void printWritesToTheContextsOutput() {
        var out = new ByteArrayOutputStream();
        try (Context context = Context.newBuilder("lin").out(out).build()) {
            eval(context, "print(\"x\", 1, 2.0, [true])");
        }
        assertEquals("x 1 2.0 [true]\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void linFunctionsCanBeCalledFromJava() {
        try (Context context = Context.create("lin")) {
            Value add = eval(context, "fn add(a: int, b: int = 10) -> int = a + b\nadd");
            assertTrue(add.canExecute());
            assertEquals(5, add.execute(2, 3).asLong());
            assertEquals(12, add.execute(2).asLong());
            Value sqrt = eval(context, "sqrt");
            assertEquals(3.0, sqrt.execute(9).asDouble());
        }
    }

    @Test
    void runtimeErrorsCarryTheirSourceLocation() {
        try (Context context = Context.create("lin")) {
            PolyglotException e = assertThrows(PolyglotException.class,
                    () -> eval(context, "let x = 1\nlet y = x / (x - 1)\n"));
            assertTrue(e.isGuestException());
            assertFalse(e.isInternalError());
            assertFalse(e.isSyntaxError());
            assertEquals("division by zero", e.getMessage());
            assertEquals(2, e.getSourceLocation().getStartLine());
            assertEquals(9, e.getSourceLocation().getStartColumn());
            assertEquals("x / (x - 1)", e.getSourceLocation().getCharacters().toString());
        }
    }

    @Test
    void errorsOfBuiltinsCalledAsValuesPointAtTheCall() {
        try (Context context = Context.create("lin")) {
            PolyglotException e = assertThrows(PolyglotException.class,
                    () -> eval(context, "let root = sqrt\nprint(root(4.0))\nprint(root(-1.0))\n"));
            assertTrue(e.getMessage().startsWith("sqrt() needs"), e.getMessage());
            assertEquals(3, e.getSourceLocation().getStartLine());
            assertEquals("root(-1.0)", e.getSourceLocation().getCharacters().toString());
        }
    }

    @Test
    void tensorsAreArraysWithAShapeAndABufferOfElements() {
        try (Context context = Context.create("lin")) {
            Value t = eval(context, "(arange(6) as [2, 3]) as f32 * 0.5");
            assertTrue(t.hasArrayElements());
            assertEquals(2, t.getArraySize());
            assertEquals(2.5, t.getArrayElement(1).getArrayElement(2).asDouble());
            assertEquals("[2, 3]", t.getMember("shape").toString());
            assertEquals("f32", t.getMember("dtype").asString());
            assertTrue(t.hasBufferElements());
            assertEquals(24, t.getBufferSize());
            assertEquals(1.5f, t.readBufferFloat(java.nio.ByteOrder.LITTLE_ENDIAN, 12));
            assertTrue(t.toString().startsWith("tensor([[0.0000, 0.5000, 1.0000]"), t.toString());
        }
    }

    @Test
    void tensorErrorsCarryTheirSourceLocation() {
        try (Context context = Context.create("lin")) {
            PolyglotException e = assertThrows(PolyglotException.class,
                    () -> eval(context, "fn f(a, b) = a @ b\nprint(f(zeros([2]), zeros([3])))\n"));
            assertTrue(e.getMessage().contains("inner dimensions 2 and 3 differ"), e.getMessage());
            assertEquals(1, e.getSourceLocation().getStartLine());
            assertEquals("a @ b", e.getSourceLocation().getCharacters().toString());
        }
    }

    @Test
    void rejectedSourcesAreSyntaxErrorsWithTheirLocation() {
        try (Context context = Context.create("lin")) {
            PolyglotException e = assertThrows(PolyglotException.class, () -> eval(context, "print(1)\nlet = 3\n"));
            assertTrue(e.isSyntaxError());
            assertEquals(2, e.getSourceLocation().getStartLine());
            assertTrue(e.getMessage().contains("test.lin:2:"), e.getMessage());
        }
    }

    @Test
    void linFilesAreDetectedByTheirExtension() throws IOException {
        assertEquals("lin", Source.findLanguage(new File("model.lin")));
        assertEquals(LinLanguage.MIME_TYPE, Source.findMimeType(new File("model.lin")));
    }

    @Test
    void aContextRunsOnTheSameEngineAsOthers() {
        // Sources are cached per engine; two contexts evaluating the same code must not interfere.
        try (Context a = Context.create("lin"); Context b = Context.create("lin")) {
            assertEquals(6, eval(a, "let x = 2\nx * 3").asLong());
            assertEquals(6, eval(b, "let x = 2\nx * 3").asLong());
        }
    }
}

package org.linlang.runtime.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linlang.runtime.truffle.session.LinAccessDenied;

/** The file system a sandboxed {@link Lin} runs on: allowed folders only, links resolved. */
class AllowedFoldersTest {
    @TempDir Path dir;
    Path in;
    Path out;
    Path secret;
    AllowedFolders fs;

    @BeforeEach
    void setUp() throws IOException {
        in = Files.createDirectories(dir.resolve("in"));
        out = Files.createDirectories(dir.resolve("out"));
        secret = Files.writeString(Files.createDirectories(dir.resolve("private")).resolve("secret.txt"), "secret");
        Files.writeString(in.resolve("data.txt"), "data");
        fs = new AllowedFolders(List.of(in), List.of(out), null);
    }

    private void read(Path p) throws IOException {
        fs.newByteChannel(p, Set.of(StandardOpenOption.READ)).close();
    }

    private void write(Path p) throws IOException {
        fs.newByteChannel(p, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE)).close();
    }

    @Test
    void readsOnlyUnderTheReadAndWriteFolders() throws IOException {
        read(in.resolve("data.txt"));
        write(out.resolve("new.txt"));
        read(out.resolve("new.txt"));
        var e = assertThrows(LinAccessDenied.class, () -> read(secret));
        assertTrue(e.getMessage().contains("reading " + secret + " is not allowed"), e.getMessage());
        assertThrows(LinAccessDenied.class, () -> fs.checkAccess(secret, Set.of()));
        assertThrows(LinAccessDenied.class, () -> fs.readAttributes(secret, "*"));
        assertThrows(LinAccessDenied.class, () -> fs.newDirectoryStream(dir, p -> true));
    }

    @Test
    void writesOnlyUnderTheWriteFolders() {
        assertThrows(LinAccessDenied.class, () -> write(in.resolve("new.txt")));
        assertThrows(LinAccessDenied.class, () -> fs.delete(in.resolve("data.txt")));
        assertThrows(LinAccessDenied.class, () -> fs.checkAccess(in.resolve("data.txt"), Set.of(AccessMode.WRITE)));
        assertThrows(LinAccessDenied.class, () -> fs.createDirectory(in.resolve("sub")));
        assertTrue(Files.exists(in.resolve("data.txt")));
        assertTrue(!Files.exists(in.resolve("new.txt")));
    }

    @Test
    void dotDotAndLinksDoNotLeadOut() throws IOException {
        assertThrows(LinAccessDenied.class, () -> read(in.resolve("../private/secret.txt")));
        Path link = Files.createSymbolicLink(in.resolve("link.txt"), secret);
        assertThrows(LinAccessDenied.class, () -> read(link));
        Path dirLink = Files.createSymbolicLink(in.resolve("elsewhere"), secret.getParent());
        assertThrows(LinAccessDenied.class, () -> read(dirLink.resolve("secret.txt")));
        // `link/..` is the parent of the link's target for the system, not `in`.
        assertThrows(LinAccessDenied.class, () -> read(dirLink.resolve("../private/secret.txt")));
        // A dangling link in a writable folder does not let a write land outside it.
        Path dangling = Files.createSymbolicLink(out.resolve("dangling"), dir.resolve("private/new.txt"));
        assertThrows(LinAccessDenied.class, () -> write(dangling));
        assertTrue(!Files.exists(dir.resolve("private/new.txt")));
        // A link that stays inside is fine.
        Path inside = Files.createSymbolicLink(in.resolve("inside.txt"), in.resolve("data.txt"));
        assertDoesNotThrow(() -> read(inside));
    }
}

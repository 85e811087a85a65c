package org.linlang.runtime.api;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.graalvm.polyglot.io.FileSystem;
import org.linlang.runtime.truffle.session.LinAccessDenied;

/**
 * The host file system, limited to the folders an embedder allowed: reading under the read and the
 * write folders, creating, changing and deleting under the write folders. Paths are compared after
 * resolving symbolic links, so a link inside an allowed folder cannot lead out of it. Everything
 * else is refused with a {@link LinAccessDenied} that says what is allowed.
 */
final class AllowedFolders implements FileSystem {
    private final FileSystem host = FileSystem.newDefaultFileSystem();
    private final List<Path> readable;
    private final List<Path> writable;
    /** The context's working directory: its attributes may be read (the context checks that it is a folder). */
    private final Path workingDirectory;

    AllowedFolders(List<Path> read, List<Path> write, Path workingDirectory) {
        this.workingDirectory = workingDirectory == null ? null : real(workingDirectory);
        this.writable = write.stream().map(AllowedFolders::real).toList();
        this.readable = java.util.stream.Stream.concat(read.stream().map(AllowedFolders::real), writable.stream()).toList();
    }

    /** The folder's real path (links resolved) when it exists, else its absolute normalized path. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            return abs;
        }
    }

    /**
     * The path as the operating system would resolve it: the real path of its deepest existing prefix
     * (links and {@code ..} resolved by the system, dangling links followed by hand), followed by the
     * rest, which does not exist and so holds no link.
     */
    private Path resolved(Path p) {
        return resolved(host.toAbsolutePath(p), 0);
    }

    private static Path resolved(Path abs, int depth) {
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null || depth > 40) return abs.normalize();
        Path rest = existing.relativize(abs);
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            if (Files.isSymbolicLink(existing)) { // a link to nothing: where it leads is what gets created
                try {
                    return resolved(existing.resolveSibling(Files.readSymbolicLink(existing)).resolve(rest), depth + 1);
                } catch (IOException again) {
                    return abs.normalize();
                }
            }
            return abs.normalize();
        }
    }

    private void check(Path p, boolean write) {
        Path target = resolved(p);
        for (Path root : write ? writable : readable) {
            if (target.startsWith(root)) return;
        }
        List<Path> allowed = write ? writable : readable;
        String where = allowed.isEmpty() ? "no folder" : "only under " + allowed.stream().map(Path::toString).collect(Collectors.joining(", "));
        throw new LinAccessDenied((write ? "writing " : "reading ") + host.toAbsolutePath(p).normalize()
                + " is not allowed: the embedder lets this program " + (write ? "write" : "read") + " " + where);
    }

    private static boolean writes(Set<? extends OpenOption> options) {
        return options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
                || options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW)
                || options.contains(StandardOpenOption.DELETE_ON_CLOSE) || options.contains(StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override public Path parsePath(URI uri) { return host.parsePath(uri); }

    @Override public Path parsePath(String path) { return host.parsePath(path); }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        check(path, modes.contains(AccessMode.WRITE));
        host.checkAccess(path, modes, options);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        check(dir, true);
        host.createDirectory(dir, attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
        check(path, true);
        host.delete(path);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        check(path, writes(options));
        return host.newByteChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        check(dir, false);
        return host.newDirectoryStream(dir, filter);
    }

    @Override public Path toAbsolutePath(Path path) { return host.toAbsolutePath(path); }

    @Override
    public Path toRealPath(Path path, LinkOption... options) throws IOException {
        check(path, false);
        return host.toRealPath(path, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        if (workingDirectory == null || !resolved(path).equals(workingDirectory)) check(path, false);
        return host.readAttributes(path, attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        check(path, true);
        host.setAttribute(path, attribute, value, options);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        check(source, false);
        check(target, true);
        host.copy(source, target, options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        check(source, true);
        check(target, true);
        host.move(source, target, options);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        check(link, true);
        check(existing, true);
        host.createLink(link, existing);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        check(link, true);
        check(link.resolveSibling(target), false);
        host.createSymbolicLink(link, target, attrs);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        check(link, false);
        return host.readSymbolicLink(link);
    }

    @Override public void setCurrentWorkingDirectory(Path dir) { host.setCurrentWorkingDirectory(dir); }

    @Override public String getSeparator() { return host.getSeparator(); }

    @Override public String getPathSeparator() { return host.getPathSeparator(); }

    @Override public Path getTempDirectory() { return host.getTempDirectory(); }

    @Override
    public boolean isSameFile(Path a, Path b, LinkOption... options) throws IOException {
        check(a, false);
        check(b, false);
        return host.isSameFile(a, b, options);
    }
}

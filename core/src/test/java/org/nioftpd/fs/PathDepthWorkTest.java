package org.nioftpd.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 5: the work of resolving a path does not grow with the depth
 * a client asks for. The view counts the path components it hands to the
 * file system (what {@code realpath} walks, each of them again per
 * component); whatever the depth of the tree or of the argument, no
 * resolution walks more than the root's own components and the cap. Checked
 * against the view before the cap: 300 levels deep cost 300 components and
 * more, and the deeper, the more.
 */
@Timeout(60)
class PathDepthWorkTest {

    @TempDir
    Path dir;

    private static String deep(int depth) {
        return "/a".repeat(depth);
    }

    @Test
    void noResolutionWalksMoreThanTheCapWhateverTheDepth() throws Exception {
        Files.createDirectories(dir.resolve(deep(300).substring(1)));
        FileSystemView view = new FileSystemView(dir).maxDepth(128).op(Op.STORE);
        int rootComponents = view.root().getNameCount();
        long most = 0;
        int refused = 0;
        for (int depth : new int[] {1, 2, 64, 128, 129, 200, 300}) {
            String path = deep(depth);
            long before = view.componentsResolved();
            try {
                assertEquals(path, view.resolveExisting(path).virtual());
            } catch (FileSystemException e) {
                assertTrue(e.getReason().contains("too deep"), e.getReason());
                refused++;
            }
            most = Math.max(most, view.componentsResolved() - before);
        }
        assertTrue(most <= rootComponents + 128, "one resolution walked " + most + " components");
        assertEquals(3, refused, "129, 200 and 300 levels");
        assertThrows(FileSystemException.class, () -> view.resolveForCreate(deep(128) + "/new"));
        assertThrows(FileSystemException.class, () -> view.changeDirectory(deep(129)));
    }

    @Test
    void relativePathsCountFromTheWorkingDirectory() throws Exception {
        Files.createDirectories(dir.resolve(deep(140).substring(1)));
        FileSystemView view = new FileSystemView(dir).maxDepth(128).op(Op.STORE);
        view.changeDirectory(deep(127));
        assertEquals(deep(128), view.changeDirectory("a"));
        long before = view.componentsResolved();
        assertThrows(FileSystemException.class, () -> view.changeDirectory("a"));
        assertThrows(FileSystemException.class, () -> view.resolveForCreate("a/b"));
        assertEquals(before, view.componentsResolved(), "refused before any file system call");
        assertEquals(deep(127), view.changeDirectory(".."));
        assertEquals("/", view.changeDirectory("/"));
    }
}

package org.nioftpd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The syntax of the mount, rights and quota lines, shared by the config file and the users file. */
@Timeout(10)
class FolderPolicyTest {

    @Test
    void rightsReplaceOrChangeWhatIsInherited() {
        FolderPolicy p = FolderPolicy.NONE
                .with("rights", "/pub list,read")
                .with("rights", "/pub/up +create, -read")
                .with("rights", "/x none hidden hide=*.tmp deny=*.exe");
        FolderPolicy.Rule pub = p.rules().get("/pub");
        assertEquals(Set.of(Right.LIST, Right.READ), pub.apply(Right.ALL));
        FolderPolicy.Rule up = p.rules().get("/pub/up");
        assertEquals(Set.of(Right.LIST, Right.CREATE), up.apply(pub.apply(Right.ALL)));
        FolderPolicy.Rule x = p.rules().get("/x");
        assertEquals(Set.of(), x.apply(Right.ALL));
        assertTrue(x.hidden());
        assertEquals(List.of("*.tmp"), x.hide());
        assertEquals(List.of("*.exe"), x.deny());
        assertEquals(EnumSet.of(Right.CREATE, Right.OVERWRITE), Right.named("write"));
        assertEquals(Right.UPLOAD_ONLY, Right.named("upload-only"));
    }

    @Test
    void quotasTakeSizesCountsAndAPath() {
        FolderPolicy p = FolderPolicy.NONE.with("mount", "/in /srv/in").with("quota", "/in 100M files=1000 max-file=1G")
                .with("quota", "2T").check();
        assertEquals(new Quota(100L << 20, 1000, 1L << 30), p.quotas().get("/in"));
        assertEquals(new Quota(2L << 40, 0, 0), p.quotas().get("/"));
        assertEquals(Path.of("/srv/in"), p.mounts().get("/in"));
        assertEquals(1024, Quota.size("1k"));
        assertEquals(5, Quota.size("5"));
    }

    @Test
    void badLinesSayWhatIsWrong() {
        assertEquals("unknown right 'bogus' (list, read, write, create, overwrite, append, delete, rename, mkdir,"
                + " rmdir, chmod, times, all, none, read-only, upload-only, hidden)",
                assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("rights", "/a bogus"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("rights", "/a"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("rights", "a read"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("rights", "/a/../b read"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("rights", "/a hide=x/y"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("mount", "/ /srv"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("mount", "/a relative/dir"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("mount", "/a"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("quota", "10Q"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("quota", "/a"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("quota", "files=-1"));
        assertThrows(IllegalArgumentException.class, () -> FolderPolicy.NONE.with("quota", "/nomount 1G").check());
    }

    @Test
    void aUsersLinesOverrideTheServersForTheSamePath() {
        FolderPolicy server = FolderPolicy.NONE.with("mount", "/s /srv/s").with("rights", "/s read-only");
        FolderPolicy user = FolderPolicy.NONE.with("rights", "/s rw").with("quota", "/s 1G");
        FolderPolicy merged = server.merge(user);
        assertEquals(Right.ALL, merged.rules().get("/s").apply(Set.of()));
        assertEquals(Path.of("/srv/s"), merged.mounts().get("/s"));
        assertEquals(1L << 30, merged.quotas().get("/s").maxBytes());
    }
}

package org.nioftpd.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server's memory and CPU time from /proc (Linux): the process and all its
 * descendants, since vsftpd, pure-ftpd and proftpd fork one process per
 * session. RSS
 * counts a shared page once per process that maps it, so for forking servers
 * the PSS (proportional set size, shared pages divided among their sharers)
 * is the fairer sum; both are given.
 */
final class ProcMem {

    private ProcMem() {
    }

    /** Sum of VmRSS over the tree, KiB; -1 if no pid or not readable. */
    static long rssKiB(long pid) {
        return sum(pid, "status", "VmRSS:");
    }

    /** Sum of Pss over the tree, KiB (from smaps_rollup); -1 if unavailable. */
    static long pssKiB(long pid) {
        return sum(pid, "smaps_rollup", "Pss:");
    }

    /** Linux's USER_HZ, the unit of the times in /proc/N/stat: 100 on every architecture Linux runs Java on. */
    static final double TICKS_PER_SECOND = 100;

    /**
     * CPU time the server has used, in clock ticks: user and system time of
     * the process and every live descendant (all their threads), plus the
     * time of descendants that have exited and been reaped (each parent's
     * cutime and cstime): a forking server's finished sessions count too.
     * -1 if no pid or not readable.
     */
    static long cpuTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        long total = 0;
        boolean any = false;
        for (long p : tree(pid)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p), "stat"));
                // after "pid (comm) ": state is field 3; utime, stime, cutime, cstime are fields 14 to 17
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                for (int i = 11; i <= 14; i++) {
                    total += Long.parseLong(f[i]);
                }
                any = true;
            } catch (IOException | RuntimeException e) {
                // exited meanwhile: its parent's cutime has it once reaped
            }
        }
        return any ? total : -1;
    }

    private static long sum(long pid, String file, String field) {
        if (pid <= 0) {
            return -1;
        }
        long total = 0;
        boolean any = false;
        for (long p : tree(pid)) {
            long v = field(Path.of("/proc", Long.toString(p), file), field);
            if (v >= 0) {
                total += v;
                any = true;
            }
        }
        return any ? total : -1;
    }

    private static long field(Path p, String name) {
        try {
            for (String line : Files.readAllLines(p)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return -1;
    }

    /** {@code pid} and every descendant, from each process's parent in /proc/N/stat. */
    static List<Long> tree(long pid) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.forEach(p -> {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    return;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so look after the last ')'
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(Long.parseLong(n));
                } catch (IOException | RuntimeException ignored) {
                    // exited meanwhile
                }
            });
        } catch (IOException e) {
            return List.of(pid);
        }
        List<Long> out = new ArrayList<>();
        out.add(pid);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(children.getOrDefault(out.get(i), List.of()));
        }
        return out;
    }
}

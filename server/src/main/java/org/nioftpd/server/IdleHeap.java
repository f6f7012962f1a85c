package org.nioftpd.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;

/**
 * Memory given back when the daemon is idle. G1, the JVM's collector on any machine of two cores
 * and 2 GB or more, grows its heap under load (a 1 GiB transfer, hundreds of sessions at once)
 * and keeps what it grew: an idle daemon measured 300 MiB of PSS after a benchmark's burst,
 * 38 MiB fresh. G1 collects and uncommits the free part of its heap when nothing else made it
 * collect for a while only if {@code G1PeriodicGCInterval} is set, which is off by default and
 * "manageable" (settable while the JVM runs). The daemon sets it at start to
 * {@link #INTERVAL_MILLIS}, unless the command line set it (to any value, 0 included: the
 * user's word) or another collector runs. When idle this costs one concurrent cycle a minute,
 * over a live heap of a few MiB: milliseconds.
 */
final class IdleHeap {

    /** A minute without a collection: then one, and the free heap goes back to the system. */
    static final long INTERVAL_MILLIS = 60_000;

    private static final String FLAG = "G1PeriodicGCInterval";

    private IdleHeap() {
    }

    /** What {@link #apply} does, from what the JVM says: the interval to set, or -1 for nothing. */
    static long decide(boolean g1, VMOption interval, long millis) {
        if (!g1 || interval == null || interval.getOrigin() != VMOption.Origin.DEFAULT
                || !"0".equals(interval.getValue())) {
            return -1;
        }
        return millis;
    }

    /**
     * Sets the periodic collection where {@link #decide} says so. The line to log, or null when
     * nothing was set (another collector, a flag on the command line, a JVM without the option).
     */
    static String apply(long millis) {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null) {
                return null;
            }
            boolean g1 = "true".equals(vm.getVMOption("UseG1GC").getValue());
            long set = decide(g1, g1 ? vm.getVMOption(FLAG) : null, millis);
            if (set < 0) {
                return null;
            }
            vm.setVMOption(FLAG, Long.toString(set));
            return "idle heap: G1 collects after " + set / 1000 + " s without a collection and gives free memory"
                    + " back (-XX:" + FLAG + "=0 keeps the heap it grew)";
        } catch (IllegalArgumentException | SecurityException | UnsupportedOperationException e) {
            return null; // not HotSpot, or no such option in this JVM: nothing to do
        }
    }
}

package dev.nova.host.internal.cli;

import java.lang.management.ManagementFactory;

/** What the process's resource limits have to do with a failure, for the one-line error. */
final class Limits {

    /** About as many files as a command opens at once: the module path's jars, native libraries, a checkpoint. */
    static final long FILES_NEEDED = 256;

    private Limits() {
    }

    /**
     * A hint to append to an error caused by a limit of the environment, or the empty string.
     *
     * @param t the failure
     * @return {@code "; ..."} naming the limit and what to do, or {@code ""}
     */
    static String hint(Throwable t) {
        long max = maxOpenFiles();
        boolean tooMany = false;
        for (Throwable c = t; c != null && !tooMany; c = c.getCause()) {
            tooMany = String.valueOf(c.getMessage()).contains("Too many open files");
        }
        if (tooMany || max > 0 && max < FILES_NEEDED && t instanceof Error) {
            return "; the process may open " + (max > 0 ? "only " + max : "too few") + " files at once (ulimit -n),"
                    + " Nova needs about " + FILES_NEEDED + ": raise it with 'ulimit -n 4096'";
        }
        return "";
    }

    private static long maxOpenFiles() {
        try {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                    ? u.getMaxFileDescriptorCount() : -1;
        } catch (Throwable e) {
            return -1;
        }
    }
}

package dev.nova.host.internal.serve;

/** When a request must be answered by: its arrival plus the server's request timeout. */
record Deadline(long endNanos, long seconds) {

    static Deadline after(long seconds) {
        return new Deadline(System.nanoTime() + seconds * 1_000_000_000L, seconds);
    }

    long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }

    boolean passed() {
        return System.nanoTime() - endNanos >= 0;
    }
}

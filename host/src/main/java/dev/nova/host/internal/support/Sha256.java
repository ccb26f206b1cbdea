package dev.nova.host.internal.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of files and text, as the host records them (lower-case hex). */
public final class Sha256 {

    private Sha256() {
    }

    /**
     * A new digest.
     *
     * @return the digest
     */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * A file's digest.
     *
     * @param file the file
     * @return its digest in hex, or {@code unreadable: why}
     */
    public static String of(Path file) {
        MessageDigest d = digest();
        try {
            update(d, file);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * A text's digest (of its UTF-8 bytes).
     *
     * @param text the text
     * @return its digest in hex
     */
    public static String ofText(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Adds a file's bytes to a digest.
     *
     * @param d the digest
     * @param file the file
     * @throws IOException if it cannot be read
     */
    public static void update(MessageDigest d, Path file) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
    }
}

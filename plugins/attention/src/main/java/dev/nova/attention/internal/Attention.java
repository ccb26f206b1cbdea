package dev.nova.attention.internal;

/** Constants of the plugin. */
public final class Attention {

    /** The plugin id. */
    public static final String ID = "attention";
    /** The plugin version. */
    public static final String VERSION = "0.2.0";

    private Attention() {
    }
}

package dev.nova.vae.internal;

/** Constants of the plugin. */
public final class Vae {

    /** The plugin id. */
    public static final String ID = "vae";
    /** The plugin version. */
    public static final String VERSION = "0.2.0";

    private Vae() {
    }
}

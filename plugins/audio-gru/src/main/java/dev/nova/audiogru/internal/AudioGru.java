package dev.nova.audiogru.internal;

/** Constants of the plugin. */
public final class AudioGru {

    /** The plugin id. */
    public static final String ID = "audio-gru";
    /** The plugin version. */
    public static final String VERSION = "0.1.0";

    private AudioGru() {
    }
}

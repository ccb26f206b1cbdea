package dev.nova.imagegru.internal;

/** Constants of the plugin. */
public final class ImageGru {

    /** The plugin id. */
    public static final String ID = "image-gru";
    /** The plugin version. */
    public static final String VERSION = "0.2.0";

    private ImageGru() {
    }
}

package dev.nova.textgru.internal;

/** Constants of the plugin. */
public final class TextGru {

    /** The plugin id. */
    public static final String ID = "text-gru";
    /** The plugin version. */
    public static final String VERSION = "0.2.0";

    private TextGru() {
    }
}

package dev.nova.host.internal.report;

/**
 * HTML written so that text cannot become markup: {@link #text} and every attribute value are escaped, always; markup
 * comes only from the builder's own tags or from {@link #trusted} producers that escape their own text (the charts,
 * the sample formats' elements).
 */
final class Html {

    private final StringBuilder b = new StringBuilder();

    /**
     * Opens an element.
     *
     * @param tag the tag name
     * @param attributes names and values, in pairs; the values are escaped
     * @return this
     */
    Html open(String tag, String... attributes) {
        b.append('<').append(tag);
        for (int i = 0; i < attributes.length; i += 2) {
            b.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
        }
        b.append('>');
        return this;
    }

    /** Closes an element. */
    Html close(String tag) {
        b.append("</").append(tag).append('>');
        return this;
    }

    /** An element holding text (escaped). */
    Html element(String tag, String text, String... attributes) {
        return open(tag, attributes).text(text).close(tag);
    }

    /** Text, escaped. */
    Html text(String text) {
        b.append(escape(text));
        return this;
    }

    /** A line break in the source. */
    Html newline() {
        b.append('\n');
        return this;
    }

    /** Markup made by a producer that escapes its own text: a chart's SVG, a sample's element. */
    Html trusted(String markup) {
        b.append(markup);
        return this;
    }

    @Override
    public String toString() {
        return b.toString();
    }

    /** Escapes text for HTML text and attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                // A control character (a terminal escape code from the data, say) is shown as its picture (U+241B for
                // ESC), never passed into the page, where it is invalid HTML and invisible; line breaks and tabs stay.
                case '\n', '\r', '\t' -> out.append(c);
                default -> out.append(c < 0x20 ? (char) (0x2400 + c) : c == 0x7f ? '\u2421'
                        : c >= 0x80 && c < 0xa0 ? '\ufffd' : c);
            }
        }
        return out.toString();
    }
}

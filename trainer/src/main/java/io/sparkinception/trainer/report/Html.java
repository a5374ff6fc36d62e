package io.sparkinception.trainer.report;

import java.util.Base64;

/** A small HTML builder: every text goes through {@link #escape}, so names cannot inject markup. */
public final class Html {
    private final StringBuilder out = new StringBuilder();

    /** Text with {@code & < > " '} replaced by entities; safe in element content and quoted attributes. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A data: URI holding PNG bytes. */
    public static String pngDataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** Appends trusted markup (tags written by the renderer itself). */
    public Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** Appends escaped text. */
    public Html text(String s) {
        out.append(escape(s));
        return this;
    }

    /** {@code <tag>escaped text</tag>}. */
    public Html element(String tag, String text) {
        out.append('<').append(tag).append('>').append(escape(text)).append("</").append(tag).append(">\n");
        return this;
    }

    /** A table row of escaped cells; {@code th} for header cells. */
    public Html row(String cellTag, String... cells) {
        out.append("<tr>");
        for (String c : cells) {
            out.append('<').append(cellTag).append('>').append(escape(c)).append("</").append(cellTag).append('>');
        }
        out.append("</tr>\n");
        return this;
    }

    /** {@code <img>} with an embedded PNG and escaped alt text. */
    public Html image(byte[] png, String alt, String cssClass) {
        out.append("<img class=\"").append(escape(cssClass)).append("\" alt=\"").append(escape(alt))
                .append("\" src=\"").append(pngDataUri(png)).append("\">");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}

package dev.elmrlaif.app.report;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import java.util.List;

/**
 * A tiny HTML builder for {@code report.html}: headings, paragraphs, tables, preformatted text and
 * images, every text HTML-escaped (Guava's {@link HtmlEscapers}) so that a movie title, a generated
 * text or a config value can never inject markup. No JavaScript: the page is static and reads
 * offline.
 */
final class HtmlPage {
  private static final Escaper ESCAPE = HtmlEscapers.htmlEscaper();

  private static final String STYLE =
      "body{font-family:sans-serif;max-width:1400px;margin:1em auto;padding:0 1em;color:#222}"
          + "table{border-collapse:collapse;margin:0.5em 0}"
          + "th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left;"
          + "overflow-wrap:anywhere}"
          + "th{background:#f2f2f2}td.num{text-align:right;white-space:nowrap}"
          + "pre{background:#f7f7f7;padding:0.5em;overflow-x:auto;font-size:85%}"
          + "figure{display:inline-block;margin:0.3em}figcaption{font-size:85%;color:#555}"
          + "td.text{max-width:28em;font-size:90%}";

  private final StringBuilder body = new StringBuilder();
  private final String title;

  HtmlPage(String title) {
    this.title = title;
  }

  /** The text with {@code & < > " '} escaped. */
  static String escape(String text) {
    return ESCAPE.escape(text == null ? "" : text);
  }

  HtmlPage heading(int level, String text) {
    body.append("<h").append(level).append('>').append(escape(text));
    body.append("</h").append(level).append(">\n");
    return this;
  }

  HtmlPage paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A collapsed block of preformatted text under a summary line. */
  HtmlPage details(String summary, String text) {
    body.append("<details><summary>").append(escape(summary)).append("</summary><pre>");
    body.append(escape(text)).append("</pre></details>\n");
    return this;
  }

  /**
   * A table: a header row, then rows of cells; a cell that parses as a number (or an interval
   * starting with one) is right-aligned, a long one gets the text style.
   */
  HtmlPage table(List<String> header, List<List<String>> rows) {
    body.append("<table>\n<tr>");
    header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
    body.append("</tr>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      for (String cell : row) {
        String text = cell == null ? "" : cell;
        String css =
            text.matches("[-+]?[0-9.]+(E-?[0-9]+)?( \\[.*])?")
                ? " class=\"num\""
                : text.length() > 60 ? " class=\"text\"" : "";
        body.append("<td").append(css).append('>').append(escape(text)).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** An image beside the page ({@code src} relative to it) with a caption. */
  HtmlPage figure(String src, String caption) {
    body.append("<figure><img src=\"").append(escape(src)).append("\" alt=\"");
    body.append(escape(caption)).append("\" width=\"").append(Charts.WIDTH);
    body.append("\" height=\"").append(Charts.HEIGHT).append("\"><figcaption>");
    body.append(escape(caption)).append("</figcaption></figure>\n");
    return this;
  }

  /** The whole document. */
  String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + escape(title)
        + "</title>\n<style>"
        + STYLE
        + "</style>\n</head>\n<body>\n<h1>"
        + escape(title)
        + "</h1>\n"
        + body
        + "</body>\n</html>\n";
  }
}

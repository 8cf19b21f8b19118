package org.pprl.report;

/** Escaping for text and attribute values in HTML and SVG. */
final class Html {
  private Html() {}

  /** {@code s} safe as element text or a double-quoted attribute value. */
  static String text(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * JSON text safe inside a {@code <script type="application/json">} element: {@code <}, {@code >}
   * and {@code &} as JSON escapes, so that no {@code </script>} or comment can end it early.
   */
  static String scriptJson(String json) {
    return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
  }
}

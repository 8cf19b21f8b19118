package org.pprl.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.pprl.report.ReportHtml;

/**
 * The pages for each role, served under {@code /ui/} from the class path: HTML, plain JavaScript
 * and CSS, no data. They hold nothing a token would unlock; every number a page shows it fetches
 * from the JSON API with the token the user entered, kept in the browser's session storage and sent
 * in the {@code Authorization} header only, so a page shows exactly what the API shows that role.
 * That is why these paths need no token, and why they are not in the API description.
 *
 * <p>A role's page is {@code ui/page.html} (head, navigation, the regions for messages) around
 * {@code ui/ROLE.body.html}, with {@code ui/ROLE.js} as its script. Every answer carries a
 * Content-Security-Policy that lets a page run only its own scripts and styles from this service
 * and connect only to it: no inline script or style attribute, no other origin, no framing.
 */
final class Pages {
  /** The prefix of every page path. */
  static final String PREFIX = "/ui/";

  /** The policy of every page and asset. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

  /** Each role's page by its file name, with its title. */
  private static final Map<String, String> ROLE_PAGES =
      Map.of(
          "admin.html", "Administrator: projects, extracts and runs",
          "analyst.html", "Analyst: questions and statutory tables",
          "auditor.html", "Auditor: the audit log",
          "steward.html", "Steward: uploads, receipts and consented matches");

  /** The other files served as they are; anything else is 404. */
  private static final Set<String> FILES =
      Set.of(
          "index.html",
          "index.js",
          "app.js",
          "admin.js",
          "analyst.js",
          "auditor.js",
          "steward.js",
          "pages.css",
          ReportHtml.STYLESHEET);

  private Pages() {}

  /** Whether {@code path} is a page or asset path, served without a token. */
  static boolean isPage(String path) {
    return path.equals("/ui") || path.startsWith(PREFIX);
  }

  static void register(Javalin app) {
    app.get("/ui", ctx -> ctx.redirect(PREFIX + "index.html"));
    app.get(PREFIX, ctx -> ctx.redirect(PREFIX + "index.html"));
    app.get(PREFIX + "{file}", Pages::serve);
  }

  private static void serve(Context ctx) {
    String name = ctx.pathParam("file");
    byte[] body;
    if (ROLE_PAGES.containsKey(name)) {
      String role = name.substring(0, name.length() - ".html".length());
      body =
          text("page.html")
              .replace("{{title}}", ROLE_PAGES.get(name))
              .replace("{{role}}", role)
              .replace("{{body}}", text(role + ".body.html"))
              .getBytes(StandardCharsets.UTF_8);
    } else if (FILES.contains(name)) {
      body = read(name);
    } else {
      throw new ApiException(ApiException.Code.NOT_FOUND, "no such page");
    }
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(contentType(name)).result(body);
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    return name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  }

  private static String text(String name) {
    return new String(read(name), StandardCharsets.UTF_8);
  }

  /** A served file's bytes: the report's stylesheet beside its renderer, the rest under ui/. */
  private static byte[] read(String name) {
    boolean report = name.equals(ReportHtml.STYLESHEET);
    try (InputStream in =
        report
            ? ReportHtml.class.getResourceAsStream(name)
            : Pages.class.getResourceAsStream("ui/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the page " + name + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the page " + name, e);
    }
  }
}

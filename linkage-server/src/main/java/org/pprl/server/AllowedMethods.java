package org.pprl.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods served on a path, from the registered routes, for the {@code Allow} header of a 405:
 * a path matches a route when each of its segments equals the route's, a {@code {parameter}}
 * segment matching any one non-empty segment. HEAD is served wherever GET is.
 */
final class AllowedMethods {
  private record Compiled(Pattern path, String method) {}

  private final List<Compiled> routes = new ArrayList<>();

  AllowedMethods(Set<LinkageServer.Route> registered) {
    for (LinkageServer.Route r : registered) {
      StringBuilder regex = new StringBuilder();
      for (String segment : r.path().substring(1).split("/", -1)) {
        regex.append('/');
        regex.append(
            segment.startsWith("{") && segment.endsWith("}") ? "[^/]+" : Pattern.quote(segment));
      }
      routes.add(new Compiled(Pattern.compile(regex.toString()), r.method()));
    }
  }

  /**
   * The methods served on {@code path}, sorted and comma-separated ({@code "GET, HEAD, POST"}), or
   * empty if no route has that path. A trailing slash is ignored, as Javalin ignores it.
   */
  String on(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    Set<String> methods = new TreeSet<>();
    for (Compiled r : routes) {
      if (r.path().matcher(p).matches()) {
        methods.add(r.method());
        if (r.method().equals("GET")) {
          methods.add("HEAD");
        }
      }
    }
    return String.join(", ", methods);
  }
}

package io.hiro.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A validated absolute path in Hiro's namespace: starts with '/', no empty, '.' or '..'
 * segments, no NUL or control characters, bounded length and depth. The root is "/".
 */
public record HiroPath(List<String> segments) {
  public static final HiroPath ROOT = new HiroPath(List.of());

  public HiroPath {
    segments = List.copyOf(segments);
  }

  /** Parses a path from outside; a trailing '/' is allowed and ignored. */
  public static HiroPath parse(String text) {
    Checks.require(text != null && !text.isEmpty(), "path is empty; give an absolute path such as /photos/a.jpg");
    Checks.require(text.length() <= Limits.PATH_LENGTH_MAX,
        "path is %d characters long; the limit is %d", text.length(), Limits.PATH_LENGTH_MAX);
    Checks.require(text.charAt(0) == '/', "path '%s' must start with '/'", text);
    String body = text.length() > 1 && text.endsWith("/") ? text.substring(1, text.length() - 1) : text.substring(1);
    if (body.isEmpty()) {
      return ROOT;
    }
    List<String> parts = new ArrayList<>();
    for (String segment : body.split("/", -1)) {
      checkSegment(text, segment);
      parts.add(segment);
    }
    Checks.require(parts.size() <= Limits.PATH_DEPTH_MAX,
        "path '%s' is %d levels deep; the limit is %d", text, parts.size(), Limits.PATH_DEPTH_MAX);
    return new HiroPath(parts);
  }

  private static void checkSegment(String path, String segment) {
    Checks.require(!segment.isEmpty(), "path '%s' has an empty segment ('//')", path);
    Checks.require(!segment.equals(".") && !segment.equals(".."),
        "path '%s' may not contain '.' or '..' segments", path);
    Checks.require(segment.length() <= Limits.PATH_SEGMENT_LENGTH_MAX,
        "a name in path '%s' is longer than %d characters", path, Limits.PATH_SEGMENT_LENGTH_MAX);
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      Checks.require(c >= 0x20 && c != 0x7f, "path '%s' contains a control character", path);
    }
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public String name() {
    return isRoot() ? "/" : segments.getLast();
  }

  public HiroPath parent() {
    Checks.check(!isRoot(), "the root has no parent");
    return new HiroPath(segments.subList(0, segments.size() - 1));
  }

  public HiroPath child(String name) {
    List<String> parts = new ArrayList<>(segments);
    parts.add(name);
    return parse(new HiroPath(parts).toString());
  }

  /** True if this path is {@code other} or lies below it. */
  public boolean startsWith(HiroPath other) {
    return segments.size() >= other.segments.size()
        && segments.subList(0, other.segments.size()).equals(other.segments);
  }

  public int depth() {
    return segments.size();
  }

  public List<HiroPath> ancestors() {
    List<HiroPath> result = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      result.add(new HiroPath(segments.subList(0, i)));
    }
    return Collections.unmodifiableList(result);
  }

  @Override
  public String toString() {
    return isRoot() ? "/" : "/" + String.join("/", segments);
  }
}

package io.hiro.common.json;

import io.hiro.common.Checks;

/**
 * Writes one JSON document, compact, in the order the caller gives: what {@code --json} and
 * {@code /status.json} print, so every schema Hiro documents is written the same way. No reflection,
 * no library: the schemas are small and must stay stable, so each is spelled out where it is written.
 *
 * <pre>{@code
 * new JsonWriter().beginObject().field("path", "/a").name("pieces").beginArray().value(1).endArray()
 *     .endObject().toString()   // {"path":"/a","pieces":[1]}
 * }</pre>
 */
public final class JsonWriter {
  /** Nesting deeper than this is a bug in the caller, not data. */
  static final int DEPTH_MAX = 32;
  private final StringBuilder out = new StringBuilder();
  private boolean needComma;
  private int depth;

  public JsonWriter beginObject() {
    return open('{');
  }

  public JsonWriter endObject() {
    return close('}');
  }

  public JsonWriter beginArray() {
    return open('[');
  }

  public JsonWriter endArray() {
    return close(']');
  }

  /** The name of the next member of an object; a value or begin* must follow. */
  public JsonWriter name(String name) {
    comma();
    out.append(quote(name)).append(':');
    needComma = false;
    return this;
  }

  public JsonWriter value(String value) {
    comma();
    out.append(value == null ? "null" : quote(value));
    return this;
  }

  public JsonWriter value(long value) {
    comma();
    out.append(value);
    return this;
  }

  public JsonWriter value(boolean value) {
    comma();
    out.append(value);
    return this;
  }

  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  public JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  /** A member whose value is an array of strings. */
  public JsonWriter field(String name, Iterable<String> values) {
    name(name).beginArray();
    values.forEach(this::value);
    return endArray();
  }

  @Override
  public String toString() {
    Checks.check(depth == 0, "JSON document left open at depth %d", depth);
    return out.toString();
  }

  /** {@code text} as a JSON string, with quotes, backslashes and control characters escaped. */
  public static String quote(String text) {
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private JsonWriter open(char bracket) {
    comma();
    Checks.check(depth < DEPTH_MAX, "JSON nested deeper than %d", DEPTH_MAX);
    depth++;
    out.append(bracket);
    needComma = false;
    return this;
  }

  private JsonWriter close(char bracket) {
    Checks.check(depth > 0, "JSON closed more often than opened");
    depth--;
    out.append(bracket);
    needComma = true;
    return this;
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
    needComma = true;
  }
}

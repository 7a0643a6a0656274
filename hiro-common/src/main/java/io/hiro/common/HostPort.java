package io.hiro.common;

import java.util.ArrayList;
import java.util.List;

/** A {@code host:port} address as given on a command line. */
public record HostPort(String host, int port) {
  public HostPort {
    Checks.require(host != null && !host.isBlank(), "address has no host");
    Checks.require(port > 0 && port < 65536, "port %d is not between 1 and 65535", port);
  }

  public static HostPort parse(String text) {
    Checks.require(text != null && !text.isBlank(), "address is empty; use HOST:PORT such as 127.0.0.1:8080");
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    Checks.require(colon > 0 && colon < t.length() - 1, "address '%s' is not HOST:PORT (e.g. 127.0.0.1:8080)", text);
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new HostPort(host, Integer.parseInt(t.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw HiroException.invalid("address '%s' has a port that is not a number", text);
    }
  }

  /** Parses a comma-separated list; empty text gives an empty list. */
  public static List<HostPort> parseList(String text) {
    List<HostPort> result = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return result;
    }
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        result.add(parse(part));
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}

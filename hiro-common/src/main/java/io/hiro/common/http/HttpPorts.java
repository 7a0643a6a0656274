package io.hiro.common.http;

import io.hiro.common.Checks;
import io.hiro.common.HiroException;

/**
 * The {@code --http-port} option of the daemons: a port number, {@code 0} for any free port, or
 * {@code off}; by default the gRPC port plus an offset (the master's status page on 8081 beside 8080,
 * a worker's metrics on 6050 beside 5050, so that workers on 5050 and 5051 do not collide).
 */
public final class HttpPorts {
  /** No HTTP endpoint at all. */
  public static final int OFF = -1;
  public static final int MASTER_OFFSET = 1;
  public static final int WORKER_OFFSET = 1000;

  private HttpPorts() {}

  /**
   * {@code text} as a port: "off" is {@link #OFF}, null or blank is the gRPC port plus {@code offset}
   * (0 when the gRPC port is 0, any free port), else a number between 0 and 65535.
   */
  public static int parse(String text, int grpcPort, int offset) {
    if (text == null || text.isBlank()) {
      if (grpcPort == 0) {
        return 0;
      }
      int port = grpcPort + offset;
      Checks.require(port < 65536, "the default HTTP port (port %d + %d) is above 65535; give --http-port PORT "
          + "or --http-port off", grpcPort, offset);
      return port;
    }
    if (text.equalsIgnoreCase("off")) {
      return OFF;
    }
    try {
      int port = Integer.parseInt(text.strip());
      Checks.require(port >= 0 && port < 65536, "HTTP port %d is not between 0 and 65535 (or 'off')", port);
      return port;
    } catch (NumberFormatException e) {
      throw HiroException.invalid("HTTP port '%s' is not a number between 0 and 65535, nor 'off'", text);
    }
  }

  /** As written in a config's log line: the port, or "off". */
  public static String describe(int port) {
    return port == OFF ? "off" : Integer.toString(port);
  }
}

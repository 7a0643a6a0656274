package io.hiro.common.logging;

import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * What the commands may change about logging once they have parsed their options: the level of Hiro's
 * own loggers ({@code --log-level}) and, for a daemon, a rolling file in its data directory. The
 * daemon modules know only this interface (they log through slf4j); the {@code hiro} command binds it
 * to logback ({@code io.hiro.app.LogbackControl}, found by {@link ServiceLoader}). Without a binding
 * (a library user, a test) both calls do nothing.
 */
public interface LogControl {
  /** The levels {@code --log-level} takes, quietest first. */
  String[] LEVELS = {"ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

  /** Sets the level of Hiro's loggers ({@code io.hiro}); {@code level} is one of {@link #LEVELS}. */
  void setLevel(String level);

  /**
   * Also writes every log line to {@code file}, rolled by size and by day with a bounded total;
   * the directory is created if needed.
   */
  void logToFile(Path file);

  /** The binding on the class path, or one that does nothing. */
  static LogControl current() {
    return ServiceLoader.load(LogControl.class).findFirst().orElse(Holder.NONE);
  }

  /** Holds the no-op binding (interfaces cannot have private constants). */
  final class Holder {
    static final LogControl NONE = new LogControl() {
      @Override
      public void setLevel(String level) {}

      @Override
      public void logToFile(Path file) {}
    };

    private Holder() {}
  }
}

package io.hiro.common;

import java.util.UUID;
import java.util.regex.Pattern;

/** A worker's stable identity, created once and kept in its data dir (e.g. {@code w-3f2a9c1e}). */
public record WorkerId(String value) implements Comparable<WorkerId> {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public WorkerId {
    Checks.require(value != null && FORM.matcher(value).matches(),
        "worker id '%s' must be 1-64 letters, digits, '.', '_' or '-'", value);
  }

  public static WorkerId random() {
    return new WorkerId("w-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @Override
  public int compareTo(WorkerId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

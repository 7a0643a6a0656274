package io.hiro.app.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One measured figure, printed as one line: {@code name: value unit}, then how it compares with
 * its limit or target (free text after three spaces, so a script can split the line on them).
 *
 * @param comparison e.g. {@code ratio 0.78 of limit 270.7 MB/s (limit.disk_fsync_write / 3)}; empty if none
 */
public record Figure(String name, double value, String unit, String comparison) {
  public Figure {
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException(name + ": a figure must be a finite number >= 0, not " + value);
    }
  }

  public static Figure of(String name, double value, String unit) {
    return new Figure(name, value, unit, "");
  }

  /** This figure compared with a limit measured in the same run, and the target for the ratio. */
  public Figure ofLimit(Figure limit, int divisor, String target) {
    double limitValue = limit.value() / divisor;
    String basis = divisor == 1 ? limit.name() : limit.name() + " / " + divisor;
    return withComparison(String.format(Locale.ROOT, "ratio %.2f of limit %s %s (%s)%s", ratio(limitValue),
        number(limitValue), unit, basis, target.isEmpty() ? "" : "   target " + target));
  }

  /** This figure compared with the target value (where the machine gives no limit to compare with). */
  public Figure ofTarget(double targetValue) {
    return withComparison(String.format(Locale.ROOT, "ratio %.2f of the target %.0f %s", ratio(targetValue),
        targetValue, unit));
  }

  /** Adds the ratio to a second limit as a note: {@code (0.46 of limit.plain_chain 520.6 MB/s)}. */
  public Figure besides(Figure limit) {
    return note(String.format(Locale.ROOT, "(%.2f of %s %s %s)", ratio(limit.value()), limit.name(),
        number(limit.value()), limit.unit()));
  }

  /** Adds a note after the comparison; an empty one adds nothing. */
  public Figure note(String text) {
    if (text.isEmpty()) {
      return this;
    }
    return withComparison(comparison.isEmpty() ? text : comparison + "   " + text);
  }

  /** The printed line: {@code put.1gib: 211.4 MB/s   ratio 0.78 of limit ...}. */
  public String line() {
    String head = name + ": " + number(value) + " " + unit;
    return comparison.isEmpty() ? head : head + "   " + comparison;
  }

  private Figure withComparison(String text) {
    return new Figure(name, value, unit, text);
  }

  private double ratio(double of) {
    return of <= 0 ? 0 : value / of;
  }

  /** The median of {@code runs} as the figure {@code name}. */
  static Figure medianOf(String name, double[] runs, String unit) {
    return of(name, median(runs), unit);
  }

  /** The middle value of {@code values} (the upper one of the two middle ones for an even count). */
  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** This figure with {@link #runsNote} when there was more than one run. */
  Figure withRuns(double[] runs, String unit) {
    return runs.length > 1 ? note(runsNote(runs, unit)) : this;
  }

  /** {@code (median of 3 runs: 401.2, 455.0, 460.1 MB/s)}, the runs in the order run. */
  static String runsNote(double[] runs, String unit) {
    return Arrays.stream(runs).mapToObj(Figure::number)
        .collect(Collectors.joining(", ", "(median of " + runs.length + " runs: ", " " + unit + ")"));
  }

  /**
   * This figure with the ratio of each of its {@code runs} to the run of {@code limitRuns} taken in
   * the same turn (the same index), and their median: {@code (in each turn 0.85, 0.71, 0.84 of
   * limit.x; median 0.84)}. Where the machine's speed drifts within a phase, the turns' own ratios
   * follow the pairs, while the ratio of the two medians can set one turn's run beside another's.
   */
  Figure withTurnRatios(double[] runs, double[] limitRuns, String limitName) {
    if (runs.length != limitRuns.length || runs.length == 0) {
      throw new IllegalArgumentException(name + ": " + runs.length + " runs against " + limitRuns.length
          + " of " + limitName);
    }
    double[] ratios = new double[runs.length];
    for (int i = 0; i < runs.length; i++) {
      ratios[i] = limitRuns[i] <= 0 ? 0 : runs[i] / limitRuns[i];
    }
    String each = Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r))
        .collect(Collectors.joining(", "));
    return note(String.format(Locale.ROOT, "(in each turn %s of %s; median %.2f)", each, limitName, median(ratios)));
  }

  /** One decimal below 10,000, none above: 812.3 MB/s, 3921 ops/s. */
  static String number(double value) {
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    // Below 1 (seconds, ratios) a tenth is too coarse: 0.35 s would read as 0.4 beside a max of 0.37.
    return String.format(Locale.ROOT, value < 1 ? "%.2f" : "%.1f", value);
  }
}

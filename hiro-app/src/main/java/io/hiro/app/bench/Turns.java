package io.hiro.app.bench;

import java.io.IOException;

/**
 * The order in which Hiro's timed runs of a figure take turns with those of its bare limit, on the
 * same minutes (the large put with {@code limit.grpc_chain} since session 41, the cat and the small
 * puts with {@code limit.grpc_get} and {@code limit.put_floor} since session 45): the bare run first
 * in turns 1 and 3 (runs 0 and 2), second in turn 2, so that an after-effect of one run (the disk's
 * write-back, a collection) falls on either side.
 */
final class Turns {
  private Turns() {}

  /** A timed run of the bare limit. */
  interface BareRun {
    void run() throws IOException;
  }

  /** A timed run of Hiro's; returns its rate. */
  interface HiroRun {
    double rate() throws IOException;
  }

  /** Turn {@code run} (from 0): Hiro's run and the bare one, in the order above; returns Hiro's rate. */
  static double take(int run, BareRun bare, HiroRun hiro) throws IOException {
    if (run % 2 == 0) {
      bare.run();
      return hiro.rate();
    }
    double rate = hiro.rate();
    bare.run();
    return rate;
  }
}

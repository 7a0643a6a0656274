package io.hiro.common.security;

import io.hiro.common.Checks;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call credentials the master accepted for calls that change state, so that each is accepted
 * once: a credential seen again while its time is inside the window is a replay (someone captured
 * the call on a plaintext wire and sends it again, e.g. an old {@code rm /x} after /x was made again).
 *
 * <p>Each credential is remembered as a 64-bit key (the caller passes the first 8 bytes of its
 * HMAC tag: a keyed hash of role, time, nonce and method, already computed, that no one without the
 * key can choose) in the bucket of its own timestamp: a ring of {@code bucketMillis}-wide buckets
 * covering the window on both sides of now, each an open-addressing set of longs (linear probing,
 * 0 for empty, load at most 1/2). A bucket is dropped as a whole once its time has left the window:
 * a credential that old is refused by its timestamp anyway.
 *
 * <p>Invariants: at most {@code entriesMax} keys in all, and the tables hold at most
 * 4 x {@code entriesMax} + 16 x (buckets) longs. Every credential whose time is at or above the
 * {@link #floorMillis() floor} and that was accepted is remembered, so it is refused again; every
 * credential below the floor is refused. The floor is the window's lower edge, or later when the
 * cache was full:
 *
 * <p>At the cap, no call is refused for the cache's sake while its caller's clock agrees with the
 * master's. Room is made by forgetting the oldest bucket before the current second and raising the
 * floor past it: the window behind now shrinks (to ~30 s at the mkdir benchmark's 8,000 calls/s with
 * 2^18 entries) and grows back as the load drops. Only credentials signed longer ago than that (a
 * caller whose clock is that far behind, or a call that long in flight) are refused, with
 * UNAVAILABLE: such a call may be genuine, and a later one passes once the load drops. While full, a
 * credential more than {@code aheadWhenFull} ahead of now is refused rather than stored, so that
 * callers whose clocks run ahead cannot take the room. Only if every remembered credential is of the
 * current second or later (2^18 state-changing calls within a second: far beyond what the journal
 * takes) is a call refused, with RESOURCE_EXHAUSTED. Thread-safe: one lock, held for a hash and an
 * insert.
 */
public final class ReplayCache {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayCache.class);
  private static final int TABLE_SLOTS_MIN = 16;
  private static final long FLOOR_WARN_INTERVAL_MILLIS = 60_000;

  private final long windowMillis;
  private final long bucketMillis;
  private final int entriesMax;
  private final long aheadWhenFullMillis;
  private final Bucket[] ring;
  /** Buckets below this index are forgotten: a credential whose time falls there is refused. */
  private long floorBucket = Long.MIN_VALUE;
  private int entries;
  private long lastFloorWarnMillis = Long.MIN_VALUE;

  /** One bucket's keys; {@code index} is the bucket number (timestamp / bucketMillis) it holds. */
  private static final class Bucket {
    long index = Long.MIN_VALUE;
    long[] table;
    int size;
  }

  /**
   * @param window how far a credential's time may be from the master's clock (as {@link CallVerifier} checks)
   * @param bucketMillis the grain at which credentials are forgotten
   * @param entriesMax the most credentials remembered
   * @param aheadWhenFull how far ahead of now a new credential may be while the cache is full
   */
  public ReplayCache(Duration window, long bucketMillis, int entriesMax, Duration aheadWhenFull) {
    Checks.check(bucketMillis > 0 && window.toMillis() >= bucketMillis, "bucket %d ms and window %s", bucketMillis,
        window);
    Checks.check(entriesMax > 0 && entriesMax <= 1 << 28, "entriesMax %d outside 1..2^28", entriesMax);
    this.windowMillis = window.toMillis();
    this.bucketMillis = bucketMillis;
    this.entriesMax = entriesMax;
    this.aheadWhenFullMillis = aheadWhenFull.toMillis();
    // The buckets a credential within the window of now can fall in, plus one on each side for rounding.
    int buckets = Math.toIntExact(2 * Math.ceilDiv(windowMillis, bucketMillis) + 3);
    this.ring = new Bucket[buckets];
    for (int i = 0; i < buckets; i++) {
      ring[i] = new Bucket();
    }
  }

  /** A cache for {@link CallVerifier#WINDOW_DEFAULT}, as big as {@link Limits} says. */
  public static ReplayCache forCallWindow() {
    return new ReplayCache(CallVerifier.WINDOW_DEFAULT, Limits.REPLAY_CACHE_BUCKET_MILLIS,
        Limits.REPLAY_CACHE_ENTRIES_MAX, Duration.ofMillis(Limits.REPLAY_CACHE_AHEAD_WHEN_FULL_MILLIS));
  }

  /**
   * Remembers a credential of time {@code credentialMillis} (within the window of {@code nowMillis},
   * as already checked) with key {@code key}; PERMISSION_DENIED if it was seen before; UNAVAILABLE if
   * its time is older than the cache still remembers, or, while the cache is full, too far ahead;
   * RESOURCE_EXHAUSTED in the case described above.
   */
  public synchronized void accept(long key, long credentialMillis, long nowMillis) {
    forgetBefore(Math.floorDiv(nowMillis - windowMillis, bucketMillis));
    long index = Math.floorDiv(credentialMillis, bucketMillis);
    if (index < floorBucket) {
      throw tooOld(credentialMillis, nowMillis);
    }
    if (index >= floorBucket + ring.length) {
      throw denied("credential signed at %d is too far ahead of the master's clock", credentialMillis);
    }
    Bucket bucket = bucketOf(index);
    if (contains(bucket, key)) {
      throw denied("credential already used: each signed call is accepted once (a replayed call?)");
    }
    if (entries >= entriesMax) {
      makeRoom(credentialMillis, nowMillis);
      if (index < floorBucket) {
        throw tooOld(credentialMillis, nowMillis);
      }
    }
    insert(bucket, key);
  }

  /** The oldest credential time still accepted (the window's lower edge, or later after the cache was full). */
  public synchronized long floorMillis() {
    return floorBucket == Long.MIN_VALUE ? Long.MIN_VALUE : floorBucket * bucketMillis;
  }

  /** Credentials remembered. */
  public synchronized int size() {
    return entries;
  }

  /** Longs allocated for the tables (memory: 8 bytes each). */
  public synchronized long tableSlots() {
    long slots = 0;
    for (Bucket bucket : ring) {
      slots += bucket.table == null ? 0 : bucket.table.length;
    }
    return slots;
  }

  /** The most {@link #tableSlots()} can be, by the invariant. */
  public long tableSlotsMax() {
    return 4L * entriesMax + (long) TABLE_SLOTS_MIN * ring.length;
  }

  private void makeRoom(long credentialMillis, long nowMillis) {
    if (credentialMillis - nowMillis > aheadWhenFullMillis) {
      throw HiroException.unavailable("call refused for now: the credential is %d s ahead of the master's clock, more "
          + "than the %d s allowed while the master is this busy; set both clocks right (NTP), or try again later",
          (credentialMillis - nowMillis) / 1000, aheadWhenFullMillis / 1000);
    }
    long current = Math.floorDiv(nowMillis, bucketMillis);
    for (long index = floorBucket; index < current && index < floorBucket + ring.length; index++) {
      Bucket bucket = ring[slot(index)];
      if (bucket.index == index && bucket.size > 0) {
        forgetBefore(index + 1);
        warnFloorRaised(nowMillis);
        return;
      }
    }
    throw new HiroException(ErrorCode.RESOURCE_EXHAUSTED, String.format("call refused: the master remembers %d "
        + "state-changing calls, all signed this second or later, the most it can tell from replays; try again",
        entriesMax));
  }

  private void warnFloorRaised(long nowMillis) {
    if (lastFloorWarnMillis == Long.MIN_VALUE || nowMillis - lastFloorWarnMillis >= FLOOR_WARN_INTERVAL_MILLIS) {
      lastFloorWarnMillis = nowMillis;
      LOG.warn("master: {} state-changing calls remembered against replay, the most it keeps; calls signed more "
          + "than {} s ago are refused while the load lasts (at most one warning a minute)", entriesMax,
          (nowMillis - floorMillis()) / 1000);
    }
  }

  /** Raises the floor to {@code index}, dropping the buckets below it. */
  private void forgetBefore(long index) {
    if (index <= floorBucket) {
      return;
    }
    if (floorBucket == Long.MIN_VALUE || index - floorBucket >= ring.length) {
      for (Bucket bucket : ring) {
        if (bucket.index < index) {
          clear(bucket);
        }
      }
    } else {
      for (long i = floorBucket; i < index; i++) {
        Bucket bucket = ring[slot(i)];
        if (bucket.index == i) {
          clear(bucket);
        }
      }
    }
    floorBucket = index;
  }

  /** The bucket for {@code index}, which lies in [floor, floor + ring): its slot holds it or nothing. */
  private Bucket bucketOf(long index) {
    Bucket bucket = ring[slot(index)];
    if (bucket.index != index) {
      Checks.check(bucket.index == Long.MIN_VALUE, "bucket %d still holds %d keys, its slot needed for %d",
          bucket.index, bucket.size, index);
      bucket.index = index;
    }
    return bucket;
  }

  private void clear(Bucket bucket) {
    entries -= bucket.size;
    bucket.size = 0;
    bucket.table = null;
    bucket.index = Long.MIN_VALUE;
  }

  private int slot(long index) {
    return (int) Math.floorMod(index, (long) ring.length);
  }

  private static long nonZero(long key) {
    return key == 0 ? 1 : key;
  }

  private static boolean contains(Bucket bucket, long key) {
    long[] table = bucket.table;
    if (table == null) {
      return false;
    }
    long wanted = nonZero(key);
    int mask = table.length - 1;
    for (int i = (int) wanted & mask; table[i] != 0; i = (i + 1) & mask) {
      if (table[i] == wanted) {
        return true;
      }
    }
    return false;
  }

  private void insert(Bucket bucket, long key) {
    if (bucket.table == null) {
      bucket.table = new long[TABLE_SLOTS_MIN];
    } else if (2 * (bucket.size + 1) > bucket.table.length) {
      bucket.table = grown(bucket.table);
    }
    put(bucket.table, nonZero(key));
    bucket.size++;
    entries++;
  }

  private static long[] grown(long[] table) {
    long[] bigger = new long[table.length * 2];
    for (long key : table) {
      if (key != 0) {
        put(bigger, key);
      }
    }
    return bigger;
  }

  private static void put(long[] table, long key) {
    int mask = table.length - 1;
    int i = (int) key & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = key;
  }

  /**
   * UNAVAILABLE, not PERMISSION_DENIED: the call may be genuine, and this passes with the load (a
   * worker gives up after PERMISSION_DENIED three times, and the CLI would send the user to the secret).
   */
  private HiroException tooOld(long credentialMillis, long nowMillis) {
    return HiroException.unavailable("call refused for now: the credential was signed %d ms before the master's "
        + "clock, and under this load the master remembers only the last %d s of calls; set both clocks right (NTP), "
        + "or try again later", nowMillis - credentialMillis, (nowMillis - floorMillis()) / 1000);
  }

  private static HiroException denied(String format, Object... args) {
    return new HiroException(ErrorCode.PERMISSION_DENIED, "call refused: " + String.format(format, args));
  }
}

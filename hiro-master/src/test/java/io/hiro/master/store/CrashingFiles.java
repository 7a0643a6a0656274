package io.hiro.master.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * {@link StoreFiles} in memory that "crashes" at write point N: every mutating call (write, force,
 * create, truncate, rename, delete, directory sync) is a write point; at the N-th it throws, and so
 * does every later call. {@link #image()} is then what a disk would hold after the power went out:
 * only names made durable by a directory sync, each with only its fsynced bytes, plus, when
 * tearing, a random prefix of the last written file's unsynced bytes (chosen by the seed).
 */
final class CrashingFiles implements StoreFiles {
  private final long crashAtPoint;
  private final SplittableRandom random;
  private final boolean tear;
  private Map<String, Data> names = new HashMap<>();
  private Map<String, Data> durableNames = new HashMap<>();
  private Data lastWritten;
  /** The file the crash tore (the one written last before it) and the part of its unsynced bytes kept. */
  private Data tornData;
  private byte[] tornTail = new byte[0];
  private long points;
  private long forces;
  private boolean crashed;
  private volatile long forceDelayMillis;
  private volatile CountDownLatch forceGate;
  private volatile boolean failForces;
  private final Semaphore forcesWaiting = new Semaphore(0);

  /** One file's bytes: all written, and how many of them an fsync made durable. */
  private static final class Data {
    byte[] bytes = new byte[0];
    int durableBytes;
  }

  CrashingFiles(long crashAtPoint, long seed, boolean tear) {
    this.crashAtPoint = crashAtPoint;
    this.random = new SplittableRandom(seed);
    this.tear = tear;
  }

  /** Files that never crash. */
  CrashingFiles() {
    this(Long.MAX_VALUE, 0, false);
  }

  /** Makes every fsync take this long, as a disk would (outside the lock, so writers can queue meanwhile). */
  void forceDelayMillis(long millis) {
    forceDelayMillis = millis;
  }

  /** Holds every fsync back, as a stalled disk would, until {@link #releaseForces}. */
  void holdForces() {
    forceGate = new CountDownLatch(1);
  }

  /** Returns once an fsync is held back by {@link #holdForces}. */
  void awaitHeldForce() throws InterruptedException {
    forcesWaiting.acquire();
  }

  /** Fails every fsync from now on, as a disk that went bad would (no crash: names and bytes stay as they are). */
  void failForces() {
    failForces = true;
  }

  void releaseForces() {
    CountDownLatch gate = forceGate;
    forceGate = null;
    gate.countDown();
  }

  synchronized long points() {
    return points;
  }

  /** Successful {@link Appender#force()} calls so far. */
  synchronized long forces() {
    return forces;
  }

  synchronized boolean crashed() {
    return crashed;
  }

  /** What survives the crash (or a power cut now), as files that do not crash. */
  synchronized CrashingFiles image() {
    CrashingFiles image = new CrashingFiles();
    durableNames.forEach((name, data) -> {
      Data copy = new Data();
      copy.bytes = Arrays.copyOf(data.bytes, data.durableBytes);
      if (data == tornData) {
        copy.bytes = concat(copy.bytes, tornTail);
      }
      copy.durableBytes = copy.bytes.length;
      image.names.put(name, copy);
    });
    image.durableNames = new HashMap<>(image.names);
    return image;
  }

  /** Overwrites bytes of a file in place (durably), to simulate a disk that damaged them. */
  synchronized void corrupt(String name, int offset, byte value) {
    names.get(name).bytes[offset] = value;
  }

  synchronized byte[] bytesOf(String name) {
    return names.get(name).bytes.clone();
  }

  private void point() throws IOException {
    if (crashed) {
      throw new IOException("crashed before");
    }
    points++;
    if (points == crashAtPoint) {
      crashed = true;
      if (tear && lastWritten != null && lastWritten.bytes.length > lastWritten.durableBytes) {
        int unsynced = lastWritten.bytes.length - lastWritten.durableBytes;
        tornData = lastWritten;
        tornTail = Arrays.copyOfRange(lastWritten.bytes, lastWritten.durableBytes,
            lastWritten.durableBytes + random.nextInt(unsynced + 1));
      }
      throw new IOException("crash at write point " + points);
    }
  }

  @Override
  public synchronized List<String> list() {
    return new ArrayList<>(names.keySet());
  }

  @Override
  public synchronized byte[] read(String name) throws IOException {
    Data data = names.get(name);
    if (data == null) {
      throw new IOException("no file " + name);
    }
    return data.bytes.clone();
  }

  @Override
  public synchronized Appender append(String name) throws IOException {
    if (!names.containsKey(name)) {
      point();
      names.put(name, new Data());
    }
    Data data = names.get(name);
    return new Appender() {
      @Override
      public void write(byte[] bytes) throws IOException {
        synchronized (CrashingFiles.this) {
          if (crashed) {
            // After the crash nothing reaches any file. (A write after it used to become the "last
            // written" file and receive the torn tail of another: a checkpoint's bytes in a journal.)
            throw new IOException("crashed before");
          }
          // The bytes reach the page cache before the crash can cut them: tearing may keep a part.
          lastWritten = data;
          data.bytes = concat(data.bytes, bytes);
          point();
        }
      }

      @Override
      public void force() throws IOException {
        CountDownLatch gate = forceGate;
        if (gate != null) {
          forcesWaiting.release();
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        if (forceDelayMillis > 0) {
          try {
            Thread.sleep(forceDelayMillis); // the disk's latency, not a wait for a condition
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        if (failForces) {
          throw new IOException("fsync failed: Input/output error (injected)");
        }
        synchronized (CrashingFiles.this) {
          point();
          data.durableBytes = data.bytes.length;
          forces++;
        }
      }

      @Override
      public long sizeBytes() {
        synchronized (CrashingFiles.this) {
          return data.bytes.length;
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized void truncate(String name, long sizeBytes) throws IOException {
    point();
    Data data = names.get(name);
    data.bytes = Arrays.copyOf(data.bytes, (int) sizeBytes);
    data.durableBytes = data.bytes.length;
  }

  @Override
  public synchronized void rename(String from, String to) throws IOException {
    point();
    names.put(to, names.remove(from));
  }

  @Override
  public synchronized void delete(String name) throws IOException {
    if (names.containsKey(name)) {
      point();
      names.remove(name);
    }
  }

  @Override
  public synchronized void syncDirectory() throws IOException {
    point();
    durableNames = new HashMap<>(names);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}

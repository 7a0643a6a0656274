package io.hiro.common.rpc;

import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;

/**
 * The set-up every client command does before its first call and can do before it knows which call
 * that is: Netty's native transport and direct buffers (on Java 24 and later its buffer cleaner links
 * C functions through the FFM API: 60 ms of CPU on a 2-core VM, session 25) and the JDK's security
 * providers for the calls' HMAC and nonces (25 ms). A command line runs it on a thread of its own
 * while it reads its arguments, and waits for that thread before the command runs, so that these
 * classes are never initialized on two threads at once.
 */
public final class ClientWarmUp {
  private ClientWarmUp() {}

  /** Does the set-up; a failure is left for the command to meet, and report, itself. */
  public static void run() {
    try {
      Epoll.isAvailable();
      Mac.getInstance("HmacSHA256");
      new SecureRandom().nextInt();
    } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
      // The command does the same again, and reports what fails.
    }
  }
}

package io.hiro.common.guard;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Which remote addresses count as one for the per-address bounds: an IPv4 address on its own, an
 * IPv6 address by its /64 network. One IPv6 host usually owns a whole /64 and can pick a fresh address
 * from it for every connection; counting each address apart would make a per-address bound worthless.
 */
public final class AddressGroups {
  private static final int IPV6_NETWORK_BYTES = 8;

  private AddressGroups() {}

  /** The address that stands for {@code address}'s group: itself (IPv4), or its /64 network (IPv6). */
  public static InetAddress groupOf(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] network = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(network, IPV6_NETWORK_BYTES, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(network);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are always an IPv6 address", e);
    }
  }
}

package io.hiro.common.security;

import io.hiro.common.HiroException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The names a node certificate is valid for: IP addresses as iPAddress entries, host names as
 * dNSName entries, each checked here so that no DNS look-up ever happens and a typo is refused.
 */
final class SubjectAlternativeNames {
  static final int HOSTS_MAX = 64;
  static final int HOST_NAME_LENGTH_MAX = 253;
  /** Every node can be reached on loopback under these, so they are always in. */
  static final List<String> ALWAYS = List.of("localhost", "127.0.0.1");

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOST_NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private final List<String> names;
  private final GeneralNames generalNames;

  private SubjectAlternativeNames(List<String> names, GeneralNames generalNames) {
    this.names = names;
    this.generalNames = generalNames;
  }

  /**
   * The node's {@code name} (when it is a host name or an address), every one of {@code hosts}, then
   * {@link #ALWAYS}; duplicates once. A host that is neither an address nor a host name is refused.
   */
  static SubjectAlternativeNames of(String name, List<String> hosts) {
    if (hosts.size() > HOSTS_MAX) {
      throw HiroException.invalid("%d --host values; at most %d", hosts.size(), HOSTS_MAX);
    }
    Set<String> wanted = new LinkedHashSet<>();
    if (isAddress(name) || isHostName(name)) {
      wanted.add(name);
    }
    for (String host : hosts) {
      String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      if (!isAddress(bare) && !isHostName(bare)) {
        throw HiroException.invalid("--host '%s' is neither an IP address nor a host name "
            + "(letters, digits, '-' and '.', at most %d characters)", host, HOST_NAME_LENGTH_MAX);
      }
      wanted.add(bare);
    }
    wanted.addAll(ALWAYS);
    List<GeneralName> entries = new ArrayList<>();
    for (String host : wanted) {
      entries.add(isAddress(host)
          ? new GeneralName(GeneralName.iPAddress, host)
          : new GeneralName(GeneralName.dNSName, host.toLowerCase(java.util.Locale.ROOT)));
    }
    return new SubjectAlternativeNames(List.copyOf(wanted), new GeneralNames(entries.toArray(GeneralName[]::new)));
  }

  /** The names, in the order they appear in the certificate. */
  List<String> names() {
    return names;
  }

  GeneralNames generalNames() {
    return generalNames;
  }

  static boolean isHostName(String text) {
    return text.length() <= HOST_NAME_LENGTH_MAX && HOST_NAME.matcher(text).matches() && !IPV4.matcher(text).matches();
  }

  /** An IPv4 dotted quad or an IPv6 literal, parsed without any look-up. */
  static boolean isAddress(String text) {
    if (IPV4.matcher(text).matches()) {
      for (String part : text.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!text.contains(":") || text.length() > 45 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0
        || c == ':' || c == '.')) {
      return false;
    }
    try {
      // With a ':' and only hex digits, ':' and '.', this parses an IPv6 literal and never asks DNS.
      return InetAddress.getByName(text) != null;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}

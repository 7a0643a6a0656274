package io.hiro.common.security;

import java.util.Optional;

/**
 * Who an authenticated call to the master comes from. {@link #CLUSTER}: a worker or a trusted
 * client, which hold the cluster secret and may do anything. {@link #READ_ONLY}: a holder of a
 * {@link ReadOnlyCredential}, which may list, stat and get but never change anything.
 */
public enum Role {
  CLUSTER("cluster", ClusterSecret.Purpose.CLUSTER_CALLS),
  READ_ONLY("read-only", ClusterSecret.Purpose.READ_ONLY_CALLS);

  private final String wireName;
  private final ClusterSecret.Purpose keyPurpose;

  Role(String wireName, ClusterSecret.Purpose keyPurpose) {
    this.wireName = wireName;
    this.keyPurpose = keyPurpose;
  }

  /** How the role is spelled in a call credential. */
  public String wireName() {
    return wireName;
  }

  /** Which key derived from the cluster secret signs this role's calls. */
  public ClusterSecret.Purpose keyPurpose() {
    return keyPurpose;
  }

  public static Optional<Role> fromWireName(String name) {
    for (Role role : values()) {
      if (role.wireName.equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}

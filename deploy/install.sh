#!/usr/bin/env bash
# Installs Hiro as systemd services on this machine (run as root):
#   deploy/install.sh [JAR]        JAR defaults to hiro-app/target/hiro.jar beside this script's repo
# It installs the jar in /opt/hiro, a 'hiro' command, a 'hiro' system user owning /var/lib/hiro, the
# units hiro-master.service and hiro-worker@.service, and /etc/hiro/hiro.env (kept if it exists).
# It starts nothing: edit /etc/hiro/hiro.env, then 'systemctl enable --now hiro-master' and/or
# 'systemctl enable --now hiro-worker@5050'. Running it again upgrades the jar and the units.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${1:-$here/../hiro-app/target/hiro.jar}"

die() { echo "install: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0 $*)"
[ -f "$jar" ] || die "no jar at $jar; build it with 'bin/mvn -DskipTests package' or give its path"
command -v systemctl >/dev/null || die "systemctl not found: these units need systemd"

# A Java 21 or newer (a JRE is enough): JAVA_HOME, then java on the PATH, then the newest in /usr/lib/jvm.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F= '/java.specification.version/ {gsub(/ /, "", $2); print $2}' | cut -d. -f1
}
java=""
for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
    $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V -r); do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  version="$(java_major "$candidate")"
  if [ -n "$version" ] && [ "$version" -ge 21 ]; then java="$(readlink -f "$candidate")"; break; fi
done
[ -n "$java" ] || die "needs Java 21 or newer; install one (e.g. 'apt-get install openjdk-21-jre-headless')"

id hiro >/dev/null 2>&1 || useradd --system --home-dir /var/lib/hiro --shell /usr/sbin/nologin hiro
install -d -o hiro -g hiro -m 0750 /var/lib/hiro
install -d -m 0755 /opt/hiro /opt/hiro/bin /etc/hiro
install -m 0644 "$jar" /opt/hiro/hiro.jar
[ -f "$here/../README.md" ] && install -m 0644 "$here/../README.md" /opt/hiro/README.md
cat > /opt/hiro/bin/hiro <<WRAPPER
#!/bin/sh
# Written by deploy/install.sh: runs the installed jar on $java.
exec $java --enable-native-access=ALL-UNNAMED \${HIRO_JAVA_OPTS:-} -jar /opt/hiro/hiro.jar "\$@"
WRAPPER
chmod 0755 /opt/hiro/bin/hiro
ln -sf /opt/hiro/bin/hiro /usr/local/bin/hiro
install -m 0644 "$here/hiro-master.service" "$here/hiro-worker@.service" /etc/systemd/system/
[ -f /etc/hiro/hiro.env ] || install -m 0644 "$here/hiro.env" /etc/hiro/hiro.env
systemctl daemon-reload

echo "install: Hiro $(/opt/hiro/bin/hiro --version) installed (Java: $java)."
echo "Next: edit /etc/hiro/hiro.env (HIRO_MASTER, HIRO_MASTER_OPTS), then"
echo "  on the master's machine:  systemctl enable --now hiro-master"
echo "  on every worker machine:  systemctl enable --now hiro-worker@5050"

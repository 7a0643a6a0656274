#!/usr/bin/env bash
# Installs Hiro as systemd services on this machine (run as root):
#   deploy/install.sh [JAR]        JAR defaults to hiro-app/target/hiro.jar beside this script's repo
# It installs the jar in /opt/hiro, a 'hiro' command, a 'hiro' system user owning /var/lib/hiro, the
# units hiro-master.service and hiro-worker@.service, and /etc/hiro/hiro.env (kept if it exists).
# It starts nothing: edit /etc/hiro/hiro.env, then 'systemctl enable --now hiro-master' and/or
# 'systemctl enable --now hiro-worker@5050'. Running it again upgrades the jar and the units; run it
# again after upgrading Java too, for the class archive it makes (below).
#   deploy/install.sh --files-only --prefix DIR [JAR]
# installs only the command, the jar and its class archive, in DIR (no user, units or root needed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "install: $*" >&2; exit 1; }
usage="deploy/install.sh [--files-only --prefix DIR] [JAR]"
command_line="$0 $*"
prefix=/opt/hiro
files_only=false
jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory ($usage)"; prefix="$2"; shift 2 ;;
    --files-only) files_only=true; shift ;;
    -*) die "unknown option $1 ($usage)" ;;
    *) [ -z "$jar" ] || die "one JAR only, not $jar and $1 ($usage)"; jar="$1"; shift ;;
  esac
done
jar="${jar:-$here/../hiro-app/target/hiro.jar}"
case "$prefix" in /*) ;; *) die "--prefix needs an absolute path, not $prefix" ;; esac
if ! $files_only; then
  [ "$prefix" = /opt/hiro ] || die "the units run /opt/hiro/bin/hiro: --prefix goes with --files-only"
  [ "$(id -u)" -eq 0 ] || die "run it as root (sudo $command_line)"
  command -v systemctl >/dev/null || die "systemctl not found: these units need systemd"
fi
[ -f "$jar" ] || die "no jar at $jar; build it with 'bin/mvn -DskipTests package' or give its path"

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

if ! $files_only; then
  id hiro >/dev/null 2>&1 || useradd --system --home-dir /var/lib/hiro --shell /usr/sbin/nologin hiro
  install -d -o hiro -g hiro -m 0750 /var/lib/hiro
  install -d -m 0755 /etc/hiro
fi
install -d -m 0755 "$prefix" "$prefix/bin"
install -m 0644 "$jar" "$prefix/hiro.jar"
[ -f "$here/../README.md" ] && install -m 0644 "$here/../README.md" "$prefix/README.md"
install -m 0755 "$here/hiro" "$prefix/bin/hiro"
install -m 0644 "$here/hiro-jvm-options" "$prefix/bin/hiro-jvm-options"
printf '%s\n%s\n' "$java" "$version" > "$prefix/java"
chmod 0644 "$prefix/java"

# The class archive every user's hiro command maps (read-only), made now of this jar for this Java.
# shellcheck source=deploy/hiro-jvm-options
source "$here/hiro-jvm-options"
rm -f "$prefix/hiro.aot" "$prefix/hiro.jsa"
if HIRO_JAVA_VERSION="$version" hiro_archive_options; then
  echo "install: making the class archive (~10-15 s; a master and a worker run on loopback meanwhile) ..."
  # Not in /tmp, which may be memory (tmpfs): the run puts and gets a file of up to 128 MiB.
  scratch="$(mktemp -d -p /var/tmp 2>/dev/null || mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  status=0
  HIRO_JAVA_VERSION="$version" hiro_make_archive "$java" "$prefix/hiro.jar" "$scratch/archive" || status=$?
  # Ctrl-C stops the JVM cleanly (exit 130), which would not stop this script by itself.
  [ "$status" -ne 130 ] && [ "$status" -ne 143 ] || die "interrupted while making the class archive"
  if [ -s "$scratch/archive" ]; then
    install -m 0644 "$scratch/archive" "$prefix/hiro.$hiro_archive_kind"
  else
    echo "install: no class archive was made; hiro commands will start more slowly" >&2
  fi
fi

if ! $files_only; then
  ln -sf "$prefix/bin/hiro" /usr/local/bin/hiro
  install -m 0644 "$here/hiro-master.service" "$here/hiro-worker@.service" /etc/systemd/system/
  [ -f /etc/hiro/hiro.env ] || install -m 0644 "$here/hiro.env" /etc/hiro/hiro.env
  systemctl daemon-reload
fi

echo "install: Hiro $("$prefix/bin/hiro" --version) installed in $prefix (Java: $java)."
if ! $files_only; then
  echo "Next: edit /etc/hiro/hiro.env (HIRO_MASTER, HIRO_MASTER_OPTS), then"
  echo "  on the master's machine:  systemctl enable --now hiro-master"
  echo "  on every worker machine:  systemctl enable --now hiro-worker@5050"
fi

# Sourced by ./denali, ./run-tests and .ci/run: exports JAVA_HOME pointing at a JDK 25 or exits with a clear message.
# The major version from the JDK's release file (instant), else from the JVM itself (a tenth of a second,
# paid on every ./denali run otherwise).
denali_java_major() {
  local v=""
  [ -f "$1/release" ] && v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  [ -n "$v" ] || v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  echo "$v"
}
denali_find_jdk25() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] || continue
    v="$(denali_java_major "$c")"
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME="$(denali_find_jdk25)"; then
  echo "denali: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/temurin-25-jdk-amd64)." >&2
  echo "denali: install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guice calls sun.misc.Unsafe; JDK 25 warns loudly unless told this is allowed.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

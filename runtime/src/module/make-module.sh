#!/usr/bin/env bash
# Makes the shaded runtime jar an explicit module, dev.nova.runtime, at package time: a module-info.class written
# from the jar itself (every package exported and open, its META-INF/services as `provides`, its dependencies'
# modules as `requires transitive`) and recorded by the jar tool with the list of its packages.
#
# Why: the JVM scans every entry of an automatic module's jar at every start to learn its packages, and this jar
# has 11,405 entries; an explicit module's packages are read from its descriptor (measured on 2 cores,
# bench/startup.sh --rounds 10 against the automatic module: `nova plugins` 0.47 s against 0.54, `nova generate RUN
# --length 100` 1.07 against 1.17). The module behaves as the automatic one did: it reads and re-exports (transitive)
# every module it depends on, reads the JDK modules its classes use, exports and opens every package, and offers the
# same services.
#
#   make-module.sh SHADED_JAR VERSION DEPENDENCIES_FILE TIMESTAMP
#     DEPENDENCIES_FILE: the jar's dependencies, one ':'-separated line, as maven-dependency-plugin's build-classpath
#     writes them; TIMESTAMP: the build's project.build.outputTimestamp (ISO-8601), the date of the new entry, so that
#     the jar is the same bytes at every build (.ci/run checks it)
#
# An explicit module must declare each service it loads (`uses`); an automatic one could load any. The services
# ND4J and DL4J load are found in the bytecode: the class constant before each call of ServiceLoader.load or of
# their own loadService helpers. A call whose service cannot be found that way fails the build, so a DL4J upgrade
# that loads a new service cannot pass unnoticed.
set -euo pipefail
jar="$1"; version="$2"; timestamp="$4"; IFS=: read -r -a classpath <"$3" || [ "${#classpath[@]}" -gt 0 ]   # (no newline at its end)
work="$(mktemp -d "${TMPDIR:-/tmp}/nova-runtime-module.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "make-module: $*" >&2; exit 1; }

# The modules of the dependencies (explicit, multi-release or automatic), as the JVM names them.
deps=()
for dep in "${classpath[@]}"; do
  case "$dep" in */org/nd4j/*|*/org/deeplearning4j/*) continue ;; esac   # shaded into the jar
  [ -f "$dep" ] && deps+=("$dep")
done
[ "${#deps[@]}" -gt 0 ] || fail "no dependency jars given"
path="$(IFS=:; echo "${deps[*]}")"
mapfile -t requires < <(java --module-path "$path" --list-modules | grep -F " file:" | sed -E 's/^([^@ ]+).*/\1/')
[ "${#requires[@]}" = "${#deps[@]}" ] || fail "${#deps[@]} dependency jars but ${#requires[@]} modules: ${requires[*]}"

# The JDK modules its classes use (an automatic module read them all), as jdeps finds them in the bytecode: every
# one named, not the reduced set (java.sql for java.logging): a layer built over a class-path JVM's boot layer (Spark's
# executors) did not pass on java.sql's implied readability of java.logging.
jdk="$(jdeps --ignore-missing-deps --multi-release 17 --list-deps -q "$jar" | sed -n -E 's/^ +([a-z][a-z0-9.]*)$/\1/p' \
  | paste -sd, -)" || fail "jdeps failed on $jar"
[ -n "$jdk" ] || fail "jdeps found no JDK modules in $jar"

# The JDK's jar tool throughout (not unzip: a machine with Java and Maven alone builds Nova).
jar tf "$jar" >"$work/entries"
mkdir -p "$work/services"
(cd "$work/services" && jar xf "$jar" META-INF/services)
grep -E '\.class$' "$work/entries" | grep -v -E '(^|/)module-info\.class$' | sed -E 's|/[^/]+$||' | sort -u \
  | tr / . >"$work/packages"

# Services the jar provides: META-INF/services files whose name is a class in the jar (others are resources).
: >"$work/provides"
while read -r entry; do
  service="${entry#META-INF/services/}"
  grep -qx "${service//.//}.class" "$work/entries" || continue
  impls="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$work/services/$entry" | grep -v '^$' \
    | while read -r impl; do grep -qx "${impl//.//}.class" "$work/entries" && echo "$impl"; done | paste -sd, -)"
  [ -n "$impls" ] && echo "    provides $service with ${impls//,/, };" >>"$work/provides"
done < <(grep -E '^META-INF/services/[^/]+$' "$work/entries")

# Services it loads: each call of ServiceLoader.load, of ND4J's and DL4J's loadService or of jackson's
# secureGetServiceLoader, and the class constant before it in the same method. These helpers pass on a class they
# were given (their callers are found in turn); a call anywhere else without a class constant fails the build.
passing='^(org/nd4j/common/config/ND4JClassLoading|org/deeplearning4j/config/DL4JClassLoading|org/nd4j/shade/jackson/databind/(ObjectMapper|ObjectMapper\$2|cfg/MapperBuilder|cfg/MapperBuilder\$1))$'
mkdir -p "$work/classes"
grep -E '\.class$' "$work/entries" >"$work/class-entries"
(cd "$work/classes" && jar xf "$jar" @"$work/class-entries")
while read -r class; do
  class="${class#./}"; class="${class%.class}"
  javap -c -p "$work/classes/$class.class" | awk -v where="$class" '
    /^  [^ ].*\(/ { service = "" }
    / (ldc|ldc_w) .*\/\/ class / { service = $NF }
    /invokestatic .*(ServiceLoader\.load|loadService|secureGetServiceLoader):\(Ljava\/lang\/Class;/ {
      print (service != "" ? service : "?" where); service = "" }'
done < <(cd "$work/classes" && grep -rl --include='*.class' -E 'java/util/ServiceLoader|loadService' .) \
  | grep -v -E "^\?${passing#^}" | sort -u >"$work/found"
if grep -q '^?' "$work/found"; then
  fail "a service is loaded without a class constant before it, in: $(grep '^?' "$work/found" | tr -d '?' | paste -sd' ')"
fi
tr / . <"$work/found" | sed 's/\$/./g' | sed 's/.*/    uses &;/' >"$work/uses"

mkdir -p "$work/src/dev.nova.runtime" "$work/out"
{
  echo "/** DL4J/ND4J, shaded into one module by Nova's build (runtime/src/module/make-module.sh). */"
  echo "open module dev.nova.runtime {"
  for r in ${jdk//,/ }; do [ "$r" = java.base ] || echo "    requires $r;"; done
  for r in "${requires[@]}"; do echo "    requires transitive $r;"; done
  sed 's/.*/    exports &;/' "$work/packages"
  cat "$work/uses" "$work/provides"
  echo "}"
} >"$work/src/dev.nova.runtime/module-info.java"
javac -nowarn -Xlint:none -d "$work/out" --module-path "$path" --patch-module dev.nova.runtime="$jar" \
  "$work/src/dev.nova.runtime/module-info.java" 2>"$work/javac.log" \
  || { cat "$work/javac.log" >&2; fail "module-info.java did not compile (kept: none; see above)"; }
# jar --update records the packages (ModulePackages), so the JVM reads them instead of scanning the jar.
# --date dates every entry (the jar tool writes the descriptor anew, at the current time, whatever the file's date):
# the jar is the same bytes at every build. (JavaCPP extracts ND4J's native libraries again when their entries' dates
# change, once after an upgrade: about 374 MB.)
jar --update --file "$jar" --module-version "$version" --date="$timestamp" -C "$work/out" module-info.class
echo "make-module: $(basename "$jar") is the module dev.nova.runtime: $(wc -l <"$work/packages") packages," \
  "$(wc -l <"$work/uses") services used, $(wc -l <"$work/provides") provided, ${#requires[@]} modules required"

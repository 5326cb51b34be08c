# bin/sss dist: the release. Sourced by bin/sss after common.sh. Builds the suite (./mvnw package, tests skipped),
# then lays out target/dist/sss-VERSION/ and packs it twice:
#   target/dist/sss-VERSION-linux-x86_64.tar.gz  the tree itself (unpack anywhere; bin/ works from there)
#   target/dist/sss_DEBVERSION_amd64.deb         the same tree at /opt/sss, with /etc/sss, /var/lib/sss,
#                                                /var/log/sss, the systemd units and the users' commands in /usr/bin
# The tree: RELEASE (version, commit, date), bin/ (mpiexec is the C program itself), lib/ (every jar, classpath.jar
# naming them, native/ with sss-exec and sss-pmix, sssjob.aot), runtime/ (a Java runtime made by jlink: the hosts
# need no JDK), etc/, schemas/, docs/, man/man1/ (the users' commands, from their --help), README.md.

# Everything the dist steps share: where the tree is made, and the version.
dist_setup() {
  DIST_VERSION="$(sed -n '0,/<version>/s/.*<version>\([^<]*\)<\/version>.*/\1/p' "$SSS_HOME/pom.xml")"
  [ -n "$DIST_VERSION" ] || sss_die "dist: no <version> in $SSS_HOME/pom.xml"
  DIST_DIR="$SSS_HOME/target/dist"
  DIST_NAME="sss-$DIST_VERSION"
  DIST_TREE="$DIST_DIR/$DIST_NAME"
  # Debian's upstream version: 0.1.0-SNAPSHOT sorts before 0.1.0 as 0.1.0~snapshot.
  DIST_DEB_VERSION="$(echo "$DIST_VERSION" | sed 's/-SNAPSHOT$/~snapshot/; s/-/./g')"
}

# The product's modules: everything a host runs (not the test kit or the benchmarks).
DIST_MODULES="ssslib service-directory event-manager mpd process-manager queue-manager node-state-manager sssjob scheduler web"

# The jars of the product, one path a line, each file name once (the modules' own and their dependencies).
dist_jars() {
  local module
  for module in $DIST_MODULES; do
    ls "$SSS_HOME/$module"/target/"$module"-*.jar | grep -v -e '-tests\.jar$' -e '-sources\.jar$'
    [ -d "$SSS_HOME/$module/target/lib" ] && ls "$SSS_HOME/$module"/target/lib/*.jar
  done | awk -F/ '!seen[$NF]++'
}

# lib/classpath.jar: a jar whose manifest's Class-Path names every other jar in lib/ (continuation lines, as the
# manifest format wants lines of at most 72 bytes).
dist_classpath_jar() {
  local lib="$1" manifest jar first=true
  manifest="$(mktemp)"
  {
    echo "Manifest-Version: 1.0"
    for jar in "$lib"/*.jar; do
      if $first; then echo "Class-Path: ${jar##*/}"; first=false; else echo "  ${jar##*/}"; fi
    done
  } >"$manifest"
  "$JAVA_HOME/bin/jar" --create --file "$lib/classpath.jar" --manifest "$manifest"
  rm -f "$manifest"
}

# runtime/: the Java modules the jars use (jdeps), plus the crypto, zip and locale providers that are found by
# service lookup rather than by a reference jdeps can see.
dist_runtime() {
  local tree="$1" modules
  modules="$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
    --class-path "$tree/lib/*" "$tree"/lib/*.jar 2>/dev/null | tail -n 1)" || modules=""
  [ -n "$modules" ] || sss_die "dist: jdeps could not list the modules the jars need"
  modules="$modules,jdk.crypto.ec,jdk.zipfs,jdk.net,jdk.management"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress zip-6 --output "$tree/runtime" >/dev/null || sss_die "dist: jlink failed"
  # The default class-data archive, for the JVM's own classes (the launchers run with -Xshare:auto).
  "$tree/runtime/bin/java" -Xshare:dump >/dev/null 2>&1 || true
}

# man/man1/NAME.1 for each user command, from what the command itself prints for --help.
dist_man_pages() {
  local tree="$1" name help summary
  mkdir -p "$tree/man/man1"
  for name in sssjob qsub qstat qdel qhold qrls qsig qalter sbatch squeue scancel scontrol sacct sinfo srun salloc mpiexec sssadmin; do
    help="$("$tree/bin/$name" --help 2>&1)" || true
    [ -n "$help" ] || sss_die "dist: $name --help printed nothing"
    summary="$(grep -m 1 -v '^ *$' <<<"$help" | sed 's/^usage: *//I' | cut -c1-70)"
    {
      echo ".TH ${name^^} 1 \"$(date -u +%Y-%m-%d)\" \"sss $DIST_VERSION\" \"SSS suite\""
      echo ".SH NAME"
      echo "$name \\- $(dist_man_purpose "$name")"
      echo ".SH SYNOPSIS"
      echo ".nf"
      sed 's/\\/\\e/g; s/^\./\\\&./; s/^'"'"'/\\\&'"'"'/' <<<"$summary"
      echo ".fi"
      echo ".SH DESCRIPTION"
      echo ".nf"
      sed 's/\\/\\e/g; s/^\./\\\&./; s/^'"'"'/\\\&'"'"'/' <<<"$help"
      echo ".fi"
      echo ".SH FILES"
      echo "/etc/sss/sss.xml (the cluster's configuration, found through \$SSS_CONFIG otherwise)"
      echo ".SH SEE ALSO"
      echo "sssjob(1), qsub(1), qstat(1), mpiexec(1); /opt/sss/README.md, /opt/sss/etc/cluster/README.md"
    } | gzip -9n >"$tree/man/man1/$name.1.gz"
  done
}

dist_man_purpose() {
  case "$1" in
    sssjob) echo "submit, watch and control batch jobs" ;;
    qsub) echo "submit a PBS batch job" ;;
    qstat) echo "show the state of batch jobs and queues" ;;
    qdel) echo "delete batch jobs" ;;
    qhold) echo "hold batch jobs" ;;
    qrls) echo "release held batch jobs" ;;
    qsig) echo "signal batch jobs" ;;
    qalter) echo "change a queued batch job" ;;
    sbatch) echo "submit a batch job with Slurm's options and #SBATCH directives" ;;
    squeue) echo "show batch jobs as Slurm shows them" ;;
    scancel) echo "cancel or signal batch jobs, as Slurm does" ;;
    scontrol) echo "show host lists and jobs, hold, release and requeue jobs, as Slurm does" ;;
    sacct) echo "show completed, running and pending jobs as Slurm's accounting does" ;;
    sinfo) echo "show queues and node states, as Slurm does" ;;
    srun) echo "run a parallel program on a new or the current allocation (sssjob run)" ;;
    salloc) echo "hold an allocation while a command or shell runs (sssjob alloc)" ;;
    mpiexec) echo "start a parallel (MPI) program on the nodes of a job" ;;
    sssadmin) echo "administer the SSS suite: nodes, queues, jobs, accounting" ;;
  esac
}

# target/dist/sss-VERSION/: the release's tree, from the build.
dist_tree() {
  local tree="$DIST_TREE" jar native
  rm -rf "$tree"
  mkdir -p "$tree/lib/native" "$tree/man"
  cp -a "$SSS_HOME/bin" "$SSS_HOME/etc" "$SSS_HOME/schemas" "$SSS_HOME/docs" "$SSS_HOME/README.md" "$tree/"
  rm -rf "$tree/bin/__pycache__"
  while read -r jar; do cp "$jar" "$tree/lib/"; done < <(dist_jars)
  dist_trim_sqlite "$tree/lib"
  dist_classpath_jar "$tree/lib"
  cp "$SSS_HOME/mpd/target/native/mpiexec" "$tree/bin/mpiexec"
  for native in sss-exec sss-pmix; do
    [ -x "$SSS_HOME/mpd/target/native/$native" ] && cp "$SSS_HOME/mpd/target/native/$native" "$tree/lib/native/"
  done
  [ -x "$tree/lib/native/sss-pmix" ] ||
    echo "bin/sss dist: this release has no sss-pmix (the build found no libpmix-dev): its mpds serve PMI-1 only" >&2
  {
    echo "sss $DIST_VERSION linux-x86_64"
    echo "commit $(git -C "$SSS_HOME" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$tree/RELEASE"
  dist_runtime "$tree"
  # The users' command line starts with a class cache made by this runtime (bin/sssjob uses it).
  local training
  training="$(mktemp -d)"
  "$tree/runtime/bin/java" -XX:AOTCacheOutput="$tree/lib/sssjob.aot" $(sss_jvm_options sssjob) \
    -cp "$(ls "$tree"/lib/sssjob-*.jar)" org.sss.sssjob.internal.AotTraining "$training" >/dev/null 2>&1 ||
    echo "bin/sss dist: no class cache for sssjob (it starts a little slower)" >&2
  rm -rf "$training"
  dist_man_pages "$tree"
  chmod -R u=rwX,go=rX "$tree"
}

dist_tarball() {
  DIST_TARBALL="$DIST_DIR/$DIST_NAME-linux-x86_64.tar.gz"
  tar -C "$DIST_DIR" --owner=root --group=root -czf "$DIST_TARBALL" "$DIST_NAME"
}

# The Debian package: the tree at /opt/sss, its configuration files (conffiles) in /etc/sss and /etc/default,
# the units in /lib/systemd/system, links in /usr/bin, man pages; postinst makes the account sss, the key
# groups, the state and log directories, and mpiexec's alternative.
dist_deb() {
  local root="$DIST_DIR/deb" link
  rm -rf "$root"
  mkdir -p "$root/DEBIAN" "$root/opt" "$root/etc/sss/keys" "$root/etc/default" "$root/lib/systemd/system" \
    "$root/usr/bin" "$root/usr/sbin" "$root/usr/share/man/man1" "$root/usr/share/doc/sss"
  cp -a "$DIST_TREE" "$root/opt/sss"
  cp "$SSS_HOME/etc/cluster/head.xml" "$root/etc/sss/sss.xml"
  cp "$SSS_HOME/etc/cluster/compute.env" "$root/etc/default/sss-mpd"
  cp -a "$SSS_HOME"/etc/systemd/* "$root/lib/systemd/system/"
  for link in sssjob qsub qstat qdel qhold qrls qsig qalter sbatch squeue scancel scontrol sacct sinfo srun salloc; do ln -s "/opt/sss/bin/$link" "$root/usr/bin/$link"; done
  ln -s /opt/sss/bin/sss "$root/usr/sbin/sss"
  ln -s /opt/sss/bin/sssadmin "$root/usr/sbin/sssadmin"
  # mpiexec's page is the mpirun alternative's (postinst), as MPICH's and Open MPI's are: a plain file there would be
  # overwritten by, or overwrite, theirs.
  for page in "$DIST_TREE"/man/man1/*.1.gz; do
    [ "$(basename "$page")" = mpiexec.1.gz ] || cp "$page" "$root/usr/share/man/man1/"
  done
  ln -s /opt/sss/README.md "$root/usr/share/doc/sss/README.md"
  printf '%s\n' /etc/sss/sss.xml /etc/default/sss-mpd >"$root/DEBIAN/conffiles"
  cat >"$root/DEBIAN/control" <<CONTROL
Package: sss
Version: $DIST_DEB_VERSION
Architecture: amd64
Maintainer: SSS suite maintainers <sss@localhost>
Section: admin
Priority: optional
Depends: libc6, adduser | passwd, util-linux
Recommends: mpich
Suggests: libpmix2 | libpmix2t64
Conflicts: slurm-client
Installed-Size: $(du -sk "$root" | cut -f1)
Homepage: file:///opt/sss/README.md
Description: SSS cluster resource manager (service directory, queue manager, scheduler, mpd ring)
 The Scalable Systems Software suite re-created: independent daemons that exchange XML messages, run batch
 jobs submitted with sssjob or qsub and start MPICH and Open MPI programs over a ring of mpd daemons.
 Installs at /opt/sss with its own Java runtime; configuration in /etc/sss, state in /var/lib/sss, logs in
 /var/log/sss. Roles (head, login, compute): /opt/sss/etc/cluster/README.md.
CONTROL
  install -m 0755 "$SSS_HOME/etc/debian/postinst" "$root/DEBIAN/postinst"
  install -m 0755 "$SSS_HOME/etc/debian/prerm" "$root/DEBIAN/prerm"
  install -m 0755 "$SSS_HOME/etc/debian/postrm" "$root/DEBIAN/postrm"
  DIST_DEB="$DIST_DIR/sss_${DIST_DEB_VERSION}_amd64.deb"
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$DIST_DEB" >/dev/null || sss_die "dist: dpkg-deb failed"
  rm -rf "$root"
}

cmd_dist() {
  [ $# -eq 0 ] || SSS_DIE_STATUS=2 sss_die "dist takes no arguments"
  $SSS_RELEASE && sss_die "this is a release ($(head -n 1 "$SSS_HOME/RELEASE")): make one from a checkout"
  command -v dpkg-deb >/dev/null 2>&1 || sss_die "dist needs dpkg-deb (apt-get install dpkg) for the Debian package"
  sss_find_java
  [ -x "$JAVA_HOME/bin/jlink" ] && [ -x "$JAVA_HOME/bin/jdeps" ] || sss_die "dist needs a JDK with jlink ($JAVA_HOME has none)"
  dist_setup
  sss_build
  dist_tree
  dist_tarball
  dist_deb
  echo "$DIST_TARBALL ($(du -h "$DIST_TARBALL" | cut -f1); unpacked $(du -sh "$DIST_TREE" | cut -f1))"
  echo "$DIST_DEB ($(du -h "$DIST_DEB" | cut -f1))"
}

# sqlite-jdbc carries its native library for two dozen platforms; a linux-x86_64 release keeps its own two (glibc
# and musl). Without zip the jar stays whole.
dist_trim_sqlite() {
  local jar
  command -v zip >/dev/null 2>&1 || return 0
  for jar in "$1"/sqlite-jdbc-*.jar; do
    [ -f "$jar" ] || continue
    zip -q -d "$jar" $(unzip -Z1 "$jar" 'org/sqlite/native/*' | grep -v -e '/$' -e '^org/sqlite/native/Linux/x86_64/' \
      -e '^org/sqlite/native/Linux-Musl/x86_64/') >/dev/null
  done
}

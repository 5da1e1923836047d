# Sourced by the consumer checks: install BUILD into a scratch root ($root,
# removed on exit), point pkg-config at it, and set $libdir (absolute,
# under the prefix), $extra (the sanitizer a consumer must be built with)
# and ${CC:-cc}. Arguments: BUILD PREFIX LIBDIR [SANITIZE].
install_root() {
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  meson install -C "$1" --no-rebuild --destdir "$root" >/dev/null
  libdir=$3
  case $libdir in /*) ;; *) libdir=$2/$libdir ;; esac
  export PKG_CONFIG_PATH="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
  # A sanitized library needs its runtime in the program that loads it.
  extra=
  [ "${4:-none}" = none ] || extra=-fsanitize=$4
}

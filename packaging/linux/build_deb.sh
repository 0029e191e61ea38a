#!/bin/sh
# Build the Debian package of Lotbook from a built bundle, with Debian's own tools.
#   packaging/linux/build_deb.sh [BUNDLE_DIR [OUT_DIR]]    (defaults: dist/lotbook, dist)
# → OUT_DIR/lotbook_<version>_<arch>.deb, the version taken from the bundle's manifest.
# Needs dpkg-deb; run as root or not (--root-owner-group makes every file root's, no fakeroot).
# DEB_COMPRESSION=xz|zstd|gzip|none (default xz) chooses dpkg-deb's compression.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=${1:-$root/dist/lotbook}
out=${2:-$root/dist}
compression=${DEB_COMPRESSION:-xz}

if [ ! -x "$bundle/lotbook" ] || [ ! -f "$bundle/lotbook-manifest.json" ]; then
  echo "build_deb.sh: no bundle with its manifest at $bundle - run 'make bundle' first" >&2
  exit 1
fi
command -v dpkg-deb >/dev/null 2>&1 || { echo "build_deb.sh: dpkg-deb not found" >&2; exit 1; }
PYTHON=${PYTHON:-python3}
version=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
  "$bundle/lotbook-manifest.json")
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM
pkg="$stage/lotbook"
install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/256x256/apps" "$pkg/usr/share/icons/hicolor/scalable/apps" \
  "$pkg/usr/share/doc/lotbook"
cp -a "$bundle" "$pkg/opt/lotbook"
# the bundle is read-only for everyone but root, as installed software should be
chmod -R u=rwX,go=rX "$pkg/opt/lotbook"
install -m 0755 "$here/lotbook-launcher.sh" "$pkg/usr/bin/lotbook"
install -m 0644 "$here/lotbook.desktop" "$pkg/usr/share/applications/lotbook.desktop"
install -m 0644 "$root/resources/icons/lotbook.png" \
  "$pkg/usr/share/icons/hicolor/256x256/apps/lotbook.png"
install -m 0644 "$root/resources/icons/lotbook.svg" \
  "$pkg/usr/share/icons/hicolor/scalable/apps/lotbook.svg"
install -m 0644 "$here/lotbook.env.example" "$pkg/usr/share/doc/lotbook/lotbook.env.example"
install -m 0755 "$here/postinst" "$here/postrm" "$pkg/DEBIAN/"

size_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$size_kb/" \
  "$here/control.in" > "$pkg/DEBIAN/control"

mkdir -p "$out"
deb="$out/lotbook_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Z"$compression" "$pkg" "$deb" >/dev/null
echo "$deb"

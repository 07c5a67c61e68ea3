# Shared by tools/run, tools/test and tools/demo-server.
# build_dir DIR [meson options...]: configures DIR if needed, builds it.
build_dir() {
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --werror -Dbuildtype=debugoptimized "$@" || return 1
    fi
    ninja -C "$dir"
}

# have_bus: true when a D-Bus session bus is there to use (none over ssh or in a
# container; callers then make a private one with dbus-run-session).
have_bus() {
    [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && return 0
    [ -S "${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/bus" ]
}

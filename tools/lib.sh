# Shared by tools/run and tools/test: configure once, then build.
# build_dir DIR [meson options...]: configures DIR if needed, builds it.
build_dir() {
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" --werror -Dbuildtype=debugoptimized "$@" || return 1
    fi
    ninja -C "$dir"
}

"""A tiny GTK 4 window that offers one file by drag and drop, as a file manager
would (a GdkFileList, which GTK also offers as text/uri-list): test_gui drags it
onto a chat with xdotool (a drag needs a source; xdotool cannot be one).

Usage: drag-source.py PATH  (the window is titled "Drag source")."""
import sys

import gi

gi.require_version("Gtk", "4.0")
gi.require_version("Gdk", "4.0")
from gi.repository import Gdk, Gio, GLib, GObject, Gtk  # noqa: E402


def on_prepare(source, x, y, path):
    files = Gdk.FileList.new_from_list([Gio.File.new_for_path(path)])
    value = GObject.Value(Gdk.FileList, files)
    return Gdk.ContentProvider.new_for_value(value)


def on_activate(app, path):
    window = Gtk.ApplicationWindow(application=app, title="Drag source")
    window.set_default_size(160, 120)
    label = Gtk.Label(label="drag me")
    source = Gtk.DragSource(actions=Gdk.DragAction.COPY)
    source.connect("prepare", on_prepare, path)
    source.connect("drag-end", lambda *args: print("DRAG-END", flush=True))
    label.add_controller(source)
    window.set_child(label)
    window.present()
    print("READY", flush=True)


app = Gtk.Application(application_id=None, flags=Gio.ApplicationFlags.NON_UNIQUE)
app.connect("activate", on_activate, sys.argv[1])
sys.exit(app.run([sys.argv[0]]))

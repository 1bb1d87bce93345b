package dev.restoreagent.nativeb.rbd;

/** A client watching an image ({@code rbd_image_watcher_t}): every client that has it open. */
public record ImageWatcher(String address, long id, long cookie) {
}

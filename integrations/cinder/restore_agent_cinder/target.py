"""What the agent writes to, from the volume_file Cinder hands restore().

BackupManager._run_restore attaches the volume and passes, through eventlet's tpool.Proxy, either a
file object of the attached device's path opened 'wb', or, for an RBD volume, os-brick's
RBDVolumeIOWrapper (an rbd.Image open in Cinder's process). The volume stays attached for the whole
call, so the agent writes to the same device or image.
"""

import os
import stat

from eventlet import tpool


class UnsupportedTarget(Exception):
    """volume_file is something the agent cannot be told to write to."""


class Target:
    """``to`` of the request, and how the agent may treat it.

    kind: 'rbd', 'block' or 'file'; fd: the open descriptor of a file or device (None for RBD);
    force: the agent may write though another client (Cinder itself) has the image open.
    """

    def __init__(self, kind, to, fd=None, force=False, description=None):
        self.kind = kind
        self.to = to
        self.fd = fd
        self.force = force
        self.description = description or to


def _unwrap(volume_file):
    obj = volume_file
    while isinstance(obj, tpool.Proxy):
        obj = obj._obj  # pylint: disable=protected-access  (its only way to the object)
    return obj


def target_of(volume_file):
    """The Target that volume_file stands for.

    :raises UnsupportedTarget: not an os-brick RBD wrapper, a block device or a regular file
    """
    obj = _unwrap(volume_file)
    if hasattr(obj, 'rbd_image') and hasattr(obj, 'rbd_pool'):
        return _rbd_target(obj)
    try:
        fd = obj.fileno()
    except (AttributeError, OSError, ValueError) as e:
        raise UnsupportedTarget('the volume is attached as %s, which has no file descriptor'
                                % type(obj).__name__) from e
    mode = os.fstat(fd).st_mode
    # the open descriptor's own path: symlinks such as /dev/disk/by-path/... resolved, as the
    # agent's allowed_paths check resolves them too
    path = os.readlink('/proc/self/fd/%d' % fd)
    if stat.S_ISBLK(mode):
        return Target('block', path, fd=fd)
    if stat.S_ISREG(mode):
        return Target('file', path, fd=fd)
    raise UnsupportedTarget('the volume is attached as %s, neither a block device nor a regular file'
                            % path)


def _rbd_target(wrapper):
    image = wrapper.rbd_image
    # os-brick's RBDVolume records the image name it opened (rbd.Image does not tell it)
    name = getattr(image, 'name', None)
    pool = wrapper.rbd_pool
    if not name or not pool:
        raise UnsupportedTarget('the RBD volume does not name its pool and image (pool %r, image %r)'
                                % (pool, name))
    to = 'rbd:%s/%s' % (pool, name)
    description = '%s (attached by Cinder as client.%s, conf %s)' % (
        to, wrapper.rbd_user or 'admin', wrapper.rbd_conf or 'default')
    # Cinder keeps the image open (a watcher) for the whole restore, and the agent refuses an image
    # another client has open unless told it may: here the other client is the caller itself
    return Target('rbd', to, force=True, description=description)

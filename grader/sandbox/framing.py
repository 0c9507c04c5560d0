"""Length-prefixed frames over a stream socket, read and written against a deadline.

The judge–worker channel. A frame is an 8-byte big-endian length and that
many bytes. The reader refuses a length above its limit before reading (or
allocating) anything, and every read and write waits at most until the
deadline: a worker that sends half a frame and stops, announces 2⁶³ bytes,
or stops reading while the judge writes cannot block the judge past the
exercise's time limit.

Example:
    >>> import socket, time
    >>> a, b = socket.socketpair()
    >>> judge, worker = Channel(a), Channel(b)
    >>> worker.send(b"hello")
    >>> judge.recv(deadline=time.monotonic() + 1, max_size=100)
    b'hello'
    >>> _ = b.send(b"\\x7f" + b"\\0" * 7)           # a length of 2**62 bytes
    >>> judge.recv(deadline=time.monotonic() + 1, max_size=100)
    Traceback (most recent call last):
    ...
    grader.sandbox.framing.FrameTooLarge: a frame of 9151314442816847872 bytes announced, at most 100 allowed
"""
from __future__ import annotations

import os
import select
import socket
import struct
import time

__all__ = ["Channel", "ChannelError", "ChannelClosed", "ChannelTimeout", "FrameTooLarge", "HEADER"]

HEADER = struct.Struct("!Q")
_CHUNK = 1 << 20


class ChannelError(Exception):
    """The channel cannot be used any more (closed, timed out, or the peer broke the framing)."""


class ChannelClosed(ChannelError, EOFError):
    """The peer closed its end (possibly in the middle of a frame)."""


class ChannelTimeout(ChannelError, TimeoutError):
    """The deadline passed before a whole frame was read or written."""


class FrameTooLarge(ChannelError):
    """The peer announced a frame larger than the reader accepts."""


class Channel:
    """One end of a framed channel; ``deadline`` arguments are ``time.monotonic()`` values
    (None: wait as long as it takes)."""

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self._sock = sock
        self._poll = select.poll()
        self._poll.register(sock.fileno(), select.POLLIN | select.POLLOUT | select.POLLERR | select.POLLHUP)

    @classmethod
    def from_fd(cls, fd: int) -> "Channel":
        """The channel on an inherited socket file descriptor."""
        return cls(socket.socket(fileno=fd))

    def fileno(self) -> int:
        return self._sock.fileno()

    def _wait(self, events: int, deadline: float | None, doing: str) -> None:
        self._poll.modify(self._sock.fileno(), events | select.POLLERR | select.POLLHUP)
        while True:
            if deadline is None:
                timeout_ms = None
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ChannelTimeout(f"the deadline passed while {doing}")
                timeout_ms = max(1, int(remaining * 1000) + 1)
            if self._poll.poll(timeout_ms):
                return

    def send(self, data: bytes, *, deadline: float | None = None) -> None:
        """Write one frame. Raises ChannelTimeout, or ChannelClosed if the peer is gone."""
        view = memoryview(HEADER.pack(len(data)) + data)
        while view:
            try:
                sent = self._sock.send(view[:_CHUNK])
            except (BlockingIOError, InterruptedError):
                self._wait(select.POLLOUT, deadline, "sending")
                continue
            except OSError as exc:
                raise ChannelClosed(f"the peer closed the channel ({os.strerror(exc.errno or 0)})") from None
            view = view[sent:]

    def _read_exact(self, n: int, deadline: float | None, what: str) -> bytes:
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            try:
                k = self._sock.recv_into(view[got:], min(n - got, _CHUNK))
            except (BlockingIOError, InterruptedError):
                self._wait(select.POLLIN, deadline, f"reading {what} ({got} of {n} bytes)")
                continue
            except OSError as exc:
                raise ChannelClosed(f"the channel failed while reading {what}: {exc}") from None
            if k == 0:
                where = f" after {got} of {n} bytes of {what}" if got else ""
                raise ChannelClosed(f"the peer closed the channel{where}")
            got += k
        return bytes(buf)

    def recv(self, *, deadline: float | None = None, max_size: int) -> bytes:
        """Read one frame of at most ``max_size`` bytes.

        Raises ChannelTimeout, ChannelClosed, or FrameTooLarge (nothing more is read then:
        the channel is unusable afterwards).
        """
        (size,) = HEADER.unpack(self._read_exact(HEADER.size, deadline, "a frame header"))
        if size > max_size:
            raise FrameTooLarge(f"a frame of {size} bytes announced, at most {max_size} allowed")
        return self._read_exact(size, deadline, "a frame")

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether something (data or the end of the channel) can be read within ``timeout`` s."""
        self._poll.modify(self._sock.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(self._poll.poll(max(0, int(timeout * 1000))))

    def close(self) -> None:
        try:
            self._sock.close()
        except OSError:
            pass

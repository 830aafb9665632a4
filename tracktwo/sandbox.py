"""Keep query workers off the network: a seccomp filter that refuses to make network sockets.

The check in tracktwo.sparql refuses SERVICE before a query runs; this is the layer beneath it,
for whatever a future disagreement between parsers lets through. Once installed in a process
(and inherited by everything it forks), `socket()` for any family but AF_UNIX fails with EACCES,
and io_uring, which can make sockets without that call, cannot be set up: Oxigraph's and rdflib's
HTTP clients then fail before a packet leaves. A filter needs no privileges (only
PR_SET_NO_NEW_PRIVS, which it sets) and cannot be lifted by the process, so it works for an
unprivileged service user as well as for root, on Linux x86-64 and AArch64.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

# (audit arch, socket syscall number) per machine; io_uring_setup is 425 on both
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_IO_URING_SETUP = 425
_X32_BIT = 0x40000000  # x86-64's x32 ABI numbers its calls from here: refuse them all
_AF_UNIX = 1

_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


class SandboxUnavailable(OSError):
    """The filter cannot be installed here (not Linux, another machine, or seccomp disabled)."""


def _program(arch: int, socket_nr: int, allow_unix: bool) -> bytes:
    deny = _ERRNO | errno.EACCES
    code = [  # (op, jump if true, jump if false, k); a jump counts the instructions it skips
        (_LD_ABS, 0, 0, 4),                  # 0: the calling convention (arch)
        (_JEQ, 0, 7, arch),                  # 1: another ABI (32-bit calls) -> 9 deny
        (_LD_ABS, 0, 0, 0),                  # 2: the syscall number
        (_JGE, 5, 0, _X32_BIT),              # 3: x32 calls -> 9 deny
        (_JEQ, 4, 0, _IO_URING_SETUP),       # 4: io_uring -> 9 deny
        (_JEQ, 0, 2, socket_nr),             # 5: not socket() -> 8 allow
        (_LD_ABS, 0, 0, 16),                 # 6: socket()'s first argument, the address family
        (_JEQ, 2, 1, _AF_UNIX),              # 7: AF_UNIX -> 10, any other family -> 9 deny
        (_RET, 0, 0, _ALLOW),                # 8
        (_RET, 0, 0, deny),                  # 9
        (_RET, 0, 0, _ALLOW if allow_unix else deny),  # 10
    ]
    return b"".join(struct.pack("HBBI", *ins) for ins in code)


def deny_network(allow_unix: bool = True) -> None:
    """Install the filter in this process (and everything it forks from now on). With
    allow_unix=False no socket of any kind can be made (a query worker needs none)."""
    machine = platform.machine()
    if platform.system() != "Linux" or machine not in _ARCHES:
        raise SandboxUnavailable(f"no network sandbox for {platform.system()} {machine}")
    arch, socket_nr = _ARCHES[machine]
    program = _program(arch, socket_nr, allow_unix)
    buffer = ctypes.create_string_buffer(program, len(program))

    class _Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Fprog(len(program) // 8, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or \
            libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        raise SandboxUnavailable(f"seccomp filter refused: {errno.errorcode.get(ctypes.get_errno(), '?')}")

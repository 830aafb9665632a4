"""A TCP relay on loopback that counts the connections it accepts: put between a client and a real
server, it shows whether the client opens a connection per request or keeps one open."""

from __future__ import annotations

import socket
import threading


class CountingProxy:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.accepted = 0
        self.silent = False  # accept, read, never answer (a server that hangs)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.accepted += 1
                self._open.append(client)
            if self.silent:
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def drop_connections(self) -> None:
        """Close every connection, as a server does with idle kept-alive ones."""
        with self._lock:
            for s in self._open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._open.clear()

    def close(self) -> None:
        self._server.close()
        self.drop_connections()

"""A client of the agent's control API: HTTP/1.1 and JSON over its Unix socket (docs/openapi.yaml).

One connection per call, closed after it: a call is a few hundred bytes every poll interval, and a
connection the agent closed (a restart) is then never reused by mistake. Under cinder-backup the
socket module is eventlet's, so a call blocks only its own greenthread.
"""

import http.client
import json
import socket

# a call answers in milliseconds; a daemon that holds a connection this long is not answering
CALL_TIMEOUT_SECONDS = 30


class AgentUnreachable(Exception):
    """No connection to the agent could be made: nothing was sent."""


class AgentConnectionLost(Exception):
    """The connection broke after the request was (perhaps) sent: the agent may have acted on it."""


class AgentError(Exception):
    """The agent answered with an error status; ``sentence`` is its own words."""

    def __init__(self, status, sentence):
        super().__init__('restore-agent answered %d: %s' % (status, sentence))
        self.status = status
        self.sentence = sentence


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, socket_path, timeout):
        # the host is only the Host header; the agent ignores it
        super().__init__('localhost', timeout=timeout)
        self._socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self._socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class AgentClient:
    """Calls of the agent at ``socket_path``. Each method returns the answer's JSON as a dict."""

    def __init__(self, socket_path, timeout=CALL_TIMEOUT_SECONDS):
        self.socket_path = socket_path
        self._timeout = timeout

    def submit(self, request):
        """POST /v1/restores: the job (new, or the one of the same idempotency_key)."""
        return self._call('POST', '/v1/restores', request)

    def job(self, job_id):
        """GET /v1/restores/{id}."""
        return self._call('GET', '/v1/restores/' + job_id)

    def cancel(self, job_id):
        """DELETE /v1/restores/{id}: the job as it is now (it turns CANCELLED once drained)."""
        return self._call('DELETE', '/v1/restores/' + job_id)

    def _call(self, method, path, body=None):
        conn = _UnixConnection(self.socket_path, self._timeout)
        try:
            try:
                conn.connect()
            except OSError as e:
                raise AgentUnreachable('restore-agent at %s cannot be reached: %s'
                                       % (self.socket_path, e.strerror or e)) from e
            try:
                payload = None if body is None else json.dumps(body).encode('utf-8')
                headers = {'Content-Type': 'application/json'} if payload is not None else {}
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                status = response.status
                text = response.read()
            except (OSError, http.client.HTTPException) as e:
                raise AgentConnectionLost('restore-agent at %s stopped answering %s %s: %s'
                                          % (self.socket_path, method, path, e)) from e
        finally:
            conn.close()
        try:
            answer = json.loads(text.decode('utf-8')) if text else {}
        except ValueError as e:
            raise AgentError(status, 'an answer that is not JSON: %r' % text[:200]) from e
        if status >= 400:
            raise AgentError(status, answer.get('error') or 'no error sentence')
        return answer

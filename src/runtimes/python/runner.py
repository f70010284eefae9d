"""Worker process for Python functions (spotinst-local and `invoke local`).

Protocol: JSON lines. The parent writes `invoke` and `doc` messages to our stdin; we
answer `log`, `getDoc`, `result` and `error` messages on our stdout. Everything the
function prints is captured and sent as `log` messages; anything that still reaches the
raw file descriptors goes to stderr, which the parent also keeps as log.

argv: runner.py <handler "file.function"> <memory MB> <max log bytes per invocation>
"""

import importlib.util
import json
import os
import sys
import threading
import time
import traceback

HANDLER = sys.argv[1]
MEMORY_MB = int(sys.argv[2])
MAX_LOG_BYTES = int(sys.argv[3])

# Keep private copies of the protocol pipes, then point the standard descriptors away from
# them so nothing the function does (print, os.write(1, ...), a subprocess) can corrupt them.
_proto_in = os.fdopen(os.dup(0), "rb")
_proto_out = os.fdopen(os.dup(1), "wb")
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.dup2(2, 1)
_send_lock = threading.Lock()


def _send(message):
    data = json.dumps(message, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
    with _send_lock:
        _proto_out.write(data)
        _proto_out.flush()


class _Invocation(object):
    def __init__(self, invocation_id):
        self.id = invocation_id
        self.bytes = 0
        self.dropped = 0


_current = None


class _LogStream(object):
    """sys.stdout / sys.stderr of the function: every write becomes a log message."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, name):
        self.name = name

    def write(self, text):
        if not isinstance(text, str):
            text = str(text)
        invocation = _current
        if invocation is not None and text:
            size = len(text.encode("utf-8", "replace"))
            if invocation.bytes + size > MAX_LOG_BYTES:
                invocation.dropped += size
            else:
                invocation.bytes += size
                _send({"type": "log", "id": invocation.id, "stream": self.name, "text": text})
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return 2


sys.stdin = open(os.devnull, "r")
sys.stdout = _LogStream("stdout")
sys.stderr = _LogStream("stderr")


def _limit_memory():
    """The function's memory limit, as an address-space limit (with room for the interpreter)."""
    try:
        import resource

        limit = (MEMORY_MB + 128) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


_next_ref = [1]


def _read_message():
    line = _proto_in.readline()
    if not line:
        # the parent is gone: nobody can use this worker any more
        os._exit(0)
    return json.loads(line.decode("utf-8"))


def _get_document(invocation_id, key):
    ref = _next_ref[0]
    _next_ref[0] += 1
    _send({"type": "getDoc", "id": invocation_id, "ref": ref, "key": str(key)})
    while True:
        message = _read_message()
        if message.get("type") == "doc" and message.get("ref") == ref:
            if message.get("error"):
                raise RuntimeError(message["error"])
            return message.get("value") if message.get("found") else None


class Context(object):
    """SPEC §6 context: camelCase like the other runtimes, with snake_case aliases."""

    def __init__(self, info, invocation_id):
        self._info = info
        self._invocation_id = invocation_id
        self.requestId = self.request_id = info.get("requestId")
        self.functionId = self.function_id = info.get("functionId")
        self.functionName = self.function_name = info.get("functionName")
        self.environmentId = self.environment_id = info.get("environmentId")
        self.version = info.get("version")
        self.memoryLimitInMB = self.memory_limit_in_mb = info.get("memoryLimitInMB")
        self.timeout = info.get("timeout")

    def getRemainingTimeInMillis(self):
        return max(0, int(self._info.get("deadline", 0) - time.time() * 1000))

    get_remaining_time_in_millis = getRemainingTimeInMillis

    def getDoc(self, key, callback=None):
        try:
            value = _get_document(self._invocation_id, key)
        except Exception as error:  # noqa: BLE001 - handed to the callback like node does
            if callback is None:
                raise
            return callback(error, None)
        return value if callback is None else callback(None, value)

    get_doc = getDoc

    def __getitem__(self, key):
        return getattr(self, key)


_handler = [None]


def _load_handler():
    if _handler[0] is not None:
        return _handler[0]
    if "." not in HANDLER.strip("."):
        raise ValueError('handler "%s" must be "<file>.<function>", e.g. "handler.main"' % HANDLER)
    file_part, function_name = HANDLER.rsplit(".", 1)
    path = os.path.join(os.getcwd(), file_part + ".py")
    if not os.path.isfile(path):
        raise ImportError('Cannot find the handler file "%s.py" in the function\'s code' % file_part)
    module_name = file_part.replace("/", ".")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    function = getattr(module, function_name, None)
    if not callable(function):
        raise AttributeError('handler "%s": "%s" is not a function of %s.py' % (HANDLER, function_name, file_part))
    _handler[0] = function
    return function


def _invoke(message):
    global _current
    invocation = _Invocation(message["id"])
    _current = invocation
    try:
        function = _load_handler()
        result = function(message.get("event"), Context(message.get("context") or {}, invocation.id))
        try:
            json.dumps(result, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError("the handler's result cannot be sent as JSON: %s" % error)
        _current = None
        _send({"type": "result", "id": invocation.id, "result": result, "droppedLogBytes": invocation.dropped})
    except Exception as error:  # noqa: BLE001 - any failure of the function is its invocation's error
        _current = None
        _send(
            {
                "type": "error",
                "id": invocation.id,
                "error": {"message": str(error) or type(error).__name__, "type": type(error).__name__, "stack": traceback.format_exc()},
                "droppedLogBytes": invocation.dropped,
            }
        )


def main():
    sys.path.insert(0, os.getcwd())
    _limit_memory()
    while True:
        message = _read_message()
        if message.get("type") == "invoke":
            _invoke(message)


main()

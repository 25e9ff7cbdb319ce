"""Fan ``analyze`` out over a Dask cluster (``analyze --dask-scheduler ADDRESS``).

Optional: needs the ``dask`` extra (``pip install 'datasette-framing[dask]'``), on this
machine and on every worker.  The cluster only computes: each task receives a chunk of
documents and the codebook's bytes, and returns the rows ``analyze.document_rows`` builds.
This process alone writes them, in the order a local run would, inside the same single
transaction, so a distributed run leaves exactly the rows a local run leaves.
"""
from collections import deque

from .analyze import DOCUMENT_COLUMNS, AnalyzeError, document_rows

CHUNK = 100  # documents per task
CONNECT_TIMEOUT = "10s"
IN_FLIGHT_PER_THREAD = 3  # tasks queued per worker thread: enough to hide the writes

_engines = {}  # codebook sha256 -> Engine, per worker process


def _engine(codebook_bytes, path):
    from .analysis.codebook import codebook_from_bytes
    from .analysis.pipeline import Engine
    import hashlib

    key = hashlib.sha256(codebook_bytes).hexdigest()
    if key not in _engines:
        _engines[key] = Engine(codebook_from_bytes(codebook_bytes, path))
    return _engines[key]


def analyze_chunk(codebook_bytes, path, documents, run_id):
    """Runs on a Dask worker: a list of DOCUMENT_COLUMNS tuples -> [(doc_id, rows)]."""
    engine = _engine(codebook_bytes, path)
    return [document_rows(engine, dict(zip(DOCUMENT_COLUMNS, d)), run_id) for d in documents]


def connect(address):
    """A distributed Client for ``address``, or AnalyzeError saying what is missing or wrong."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise AnalyzeError("--dask-scheduler needs Dask: pip install 'datasette-framing[dask]'") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise AnalyzeError(f"cannot reach the Dask scheduler at {address}: {e}") from None


def analyze_on_cluster(client, codebook, chunks, run_id, writer, progress=None):
    """Submit ``chunks`` (iterables of document tuples) to the cluster; write results in order."""
    with open(codebook.path, "rb") as fp:
        codebook_bytes = fp.read()
    [codebook_future] = client.scatter([codebook_bytes], broadcast=True)
    threads = sum(client.nthreads().values()) or 1
    limit = IN_FLIGHT_PER_THREAD * threads
    running = deque()

    def drain(until):
        while len(running) > until:
            for doc_id, rows in running.popleft().result():
                writer.add(doc_id, rows)
                if progress:
                    progress(1)

    for chunk in chunks:
        for start in range(0, len(chunk), CHUNK):
            task = chunk[start:start + CHUNK]
            running.append(client.submit(analyze_chunk, codebook_future, codebook.path, task, run_id, pure=False))
            drain(limit)
    drain(0)

"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

Workers are processes (a PDF render holds one for a second or two); the numbers come from the
environment so that operations can tune them without a release.

The application spends its time in Python (templates, the ORM), not waiting: one single-threaded
worker per core, plus one, serves the most with the shortest waits. bench/load.py, 50 chiefs on
two cores: 5 workers × 2 threads gave p95 400–800 ms, 3 workers × 1 thread 130–150 ms (README,
負荷試験). With PostgreSQL on another machine the workers wait on the network too: raise
GUNICORN_WORKERS there and measure.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

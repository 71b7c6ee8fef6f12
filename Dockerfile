# One image for every Loupan service; docker-compose.yml picks the service by its command, e.g.
#   python -m loupan.run services/inventory/config.yaml

# The web console (web/ -> web/dist, Vue + Element Plus built by Vite), in a stage of its own:
# npm installs from the lock file, and only the built files reach the image (no Node there).
FROM node:20-slim AS console
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
# the sources only (the host's node_modules and dist stay out)
COPY web/index.html web/buyer.html web/broker.html web/vite.config.ts web/tsconfig.app.json ./
COPY web/public ./public
COPY web/src ./src
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# a Chinese font the printed documents embed (gateway/documents/pdf.py); pg_dump and pg_restore
# (Debian's client: the server's major version or newer) for python -m loupan.backup (docs/operations.md)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes do not reinstall them.
# Production's requirements only (no pytest, selenium or schemathesis), checked by their hashes.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt

# Only the code: not .venv/ nor var/ (there is no .dockerignore yet).
# The configs and migrations/ directories are read from /app at run time by relative path.
COPY pyproject.toml ./
COPY loupan ./loupan
COPY services ./services
COPY gateway ./gateway
# served at /console/ (and the buyers' page at /buyer/) by gateway/routes/console.py
COPY --from=console /web/dist ./web/dist
ENV LOUPAN_CONSOLE_DIST=/app/web/dist
# the test harness and the tests stay out of the production image
RUN rm -rf loupan/testing loupan/tests services/*/tests gateway/tests \
    && pip install --no-deps . \
    && groupadd --system --gid 10001 loupan \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app loupan \
    && mkdir -p var && chown loupan var

# a fixed numeric uid, so that Kubernetes' runAsNonRoot can check it (deploy/k8s/services.yaml)
USER 10001
# No default service: compose (or Kubernetes) gives the command. Without one this prints usage.
CMD ["python", "-m", "loupan.run"]

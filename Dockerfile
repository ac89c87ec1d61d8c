# cmbot: `docker build -t cmbot .`, then see README "Run it in a container".
# Build a wheel in one stage, install it in a clean slim one: no compilers, no sources.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/cmbot.db \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin cmbot \
    && mkdir /data /app && chown cmbot:cmbot /data
# The database (encrypted tokens, digests) lives on this volume; nothing else is written.
VOLUME ["/data"]
# Settings come from the environment: no .env is read from here or from the volume.
WORKDIR /app
USER cmbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=4)"]
CMD ["cmbot", "serve"]

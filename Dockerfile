# syntax=docker/dockerfile:1
# Stage 1: the staff web app. Its typed client is generated from openapi.yaml at build time.
FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY openapi.yaml /src/openapi.yaml
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# Stage 2: the service.
FROM python:3.11-slim AS service
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ERHVERV_DATABASE_URL=sqlite:////app/data/erhverv.db
WORKDIR /app
RUN useradd --create-home --uid 10001 erhverv
COPY pyproject.toml alembic.ini ./
COPY api/ api/
COPY migrations/ migrations/
# Editable, so Alembic finds migrations/ beside the package.
RUN pip install --no-cache-dir -e . \
    && mkdir -p /app/data && chown erhverv:erhverv /app/data
COPY --from=frontend /src/frontend/dist/ frontend/dist/
USER erhverv
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4).status != 200)"
CMD ["erhverv", "serve", "--host", "0.0.0.0", "--port", "8000"]

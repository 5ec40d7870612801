# Build stage: the official Swift image with libpq headers.
FROM swift:6.0-jammy AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --product trackmycrime --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/trackmycrime" /trackmycrime

# Runtime stage: slim, with only libpq and a non-root user.
FROM ubuntu:jammy
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin trackmycrime
COPY --from=build /trackmycrime /usr/local/bin/trackmycrime
COPY migrations /usr/share/trackmycrime/migrations
COPY openapi.yaml /usr/share/trackmycrime/openapi.yaml
ENV HOST=0.0.0.0 PORT=8080 MIGRATIONS_DIR=/usr/share/trackmycrime/migrations OPENAPI_PATH=/usr/share/trackmycrime/openapi.yaml
USER trackmycrime
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/trackmycrime"]
CMD ["serve"]

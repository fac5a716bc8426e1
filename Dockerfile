# Builds the project's binaries into one small image; docker-compose.monitoring.yml
# runs each exporter from it with a different command.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libvirt-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release -p dwcp-exporter -p libvirt-exporter -p sla-exporter -p rulegen

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libvirt0 ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home exporter
COPY --from=build /src/target/release/dwcp-exporter /src/target/release/dwcp-loadgen \
     /src/target/release/libvirt-exporter /src/target/release/sla-exporter /src/target/release/rulegen /usr/local/bin/
USER exporter

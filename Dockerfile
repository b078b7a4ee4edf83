# Multi-stage: build a venv with the exporter, copy it into a clean runtime image.
# BASE is an argument so CI can build from a local Debian base (no registry reachable there);
# anywhere else the default works as is.
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY exporter ./exporter
# Behind a TLS-intercepting proxy, pass its CA bundle as a build secret:
#   --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt
# It is used for this one step and never stored in a layer.
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python3 -m venv /opt/venv && /opt/venv/bin/pip install .

FROM ${BASE}
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin exporter
COPY --from=build /opt/venv /opt/venv
# clouds.yaml is mounted here at run time (-v ./clouds.yaml:/etc/openstack/clouds.yaml:ro),
# never baked into the image: it holds credentials.
ENV OS_CLIENT_CONFIG_FILE=/etc/openstack/clouds.yaml PYTHONUNBUFFERED=1
USER 10001:10001
EXPOSE 9886
ENTRYPOINT ["/opt/venv/bin/openstack-admin-exporter"]
CMD ["--web.listen-address=:9886"]

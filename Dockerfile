# bedrockctl as a container image: a static musl build, copied alone into an empty image
# that runs as a non-root user. Build: docker build -t bedrockctl .
# Usage: docker run --rm -v "$PWD:/work" -w /work bedrockctl plan -f bedrock.yaml
#
# Stage 1: build. Alpine's Rust targets musl natively, so the binary is static (TLS is
# rustls+ring, no OpenSSL to link). BEDROCKCTL_GIT_REV stamps --version when the build
# context has no .git (see build.rs).
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev git
WORKDIR /src
COPY . .
ARG BEDROCKCTL_GIT_REV=""
ENV BEDROCKCTL_GIT_REV=${BEDROCKCTL_GIT_REV}
RUN cargo build --release --locked --bin bedrockctl \
 && strip target/release/bedrockctl \
 && ./target/release/bedrockctl --version

# Stage 2: the binary, CA roots for HTTPS to AWS, and nothing else.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/target/release/bedrockctl /usr/local/bin/bedrockctl
# A numeric non-root user: scratch has no /etc/passwd to name one.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/bedrockctl"]
CMD ["--help"]

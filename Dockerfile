# syntax=docker/dockerfile:1
# pushwire server image: `docker build -t pushwire .`, then
# `docker run -p 6001:6001 -e PUSHWIRE_APP_ID=... -e PUSHWIRE_APP_KEY=... -e PUSHWIRE_APP_SECRET=... pushwire`.
# Configured with PUSHWIRE_* variables (packages/server/docs/configuration.md#every-option) or a
# config file mounted and named by PUSHWIRE_CONFIG. compose.yaml runs Redis plus two nodes.

# 1. Build the three packages and pack them as npm would publish them.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/sdk/package.json packages/sdk/
COPY packages/server/package.json packages/server/
COPY packages/cli/package.json packages/cli/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages/sdk packages/sdk
COPY packages/server packages/server
COPY packages/cli packages/cli
RUN npm run build \
 && mkdir /out \
 && npm pack --silent -w @pushwire/sdk -w @pushwire/server -w pushwire --pack-destination /out \
 && node -p "require('./package-lock.json').packages['node_modules/ioredis'].version" > /out/ioredis-version

# 2. The runtime: the packed packages and their production dependencies (ioredis for Redis), no
#    sources, no dev dependencies, run as the unprivileged `node` user.
FROM node:20-slim
ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH \
    PUSHWIRE_HOST=0.0.0.0 \
    PUSHWIRE_PORT=6001
WORKDIR /app
COPY --from=build /out /tmp/packages
RUN npm install --omit=dev --no-audit --no-fund --no-package-lock \
      /tmp/packages/pushwire-sdk-*.tgz /tmp/packages/pushwire-server-*.tgz /tmp/packages/pushwire-[0-9]*.tgz \
      "ioredis@$(cat /tmp/packages/ioredis-version)" \
 && rm -rf /tmp/packages /root/.npm \
 && chown -R node:node /app
USER node
EXPOSE 6001
# /health answers 200 while the node serves (503 while draining or when Redis is unreachable).
# HTTPS when PUSHWIRE_TLS_CERT is set; the certificate is not checked (it names the public host).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const tls = Boolean(process.env.PUSHWIRE_TLS_CERT); if (tls) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; fetch((tls ? 'https' : 'http') + '://127.0.0.1:' + (process.env.PUSHWIRE_PORT || 6001) + '/health', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains connections for up to shutdownTimeoutMs (10 s), closing them with 4200.
STOPSIGNAL SIGTERM
ENTRYPOINT ["pushwire"]
CMD ["serve"]

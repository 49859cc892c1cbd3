# The ledger service. Built by docker-compose.yml beside an EventStoreDB node.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY config ./config
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 LEDGER_DB=/data/ledger.db
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Data and static files (policy packs, auditor page) are read from src/ by dist/, exactly
# as under `npm start`, so the image carries the same tree.
COPY --from=build /app/src ./src
COPY config ./config
COPY package.json ./
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/main.js"]

module aidregistry.invalid/dashboard-web-ignored

// This file only keeps the go tool out of node_modules (`go test ./...`).

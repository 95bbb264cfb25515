// Package registry is the root of the programme registry module. It holds
// only the code-generation steps; see cmd/registry for the program.
package registry

// ent first: it writes graph/ent.graphql, which gqlgen then reads.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen generate --config gqlgen.yml

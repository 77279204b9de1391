// Package cluster holds the test of several central servers on one
// PostgreSQL (issue 20): servers killed with SIGKILL and started again
// while hundreds of terminals push and pull through a round-robin proxy,
// directly and through PgBouncer. It has no code of its own.
package cluster

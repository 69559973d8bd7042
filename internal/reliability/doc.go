// Package reliability holds sqlitekit's crash and fault tests: real
// processes killed with SIGKILL, and the checks that no committed
// transaction is lost. It has no code of its own.
package reliability

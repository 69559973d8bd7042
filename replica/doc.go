// Package replica runs Litestream beside a sqlitekit program, for when one
// machine is not enough: continuous replication of a database to S3, GCS,
// Azure, SFTP, WebDAV, NATS or a file path; restore, latest or to a point
// in time; and read replicas that follow a replica on other machines.
//
// Litestream runs as a supervised child process, never as a library: in
// one process with ncruces/go-sqlite3, closing one of the program's
// connections would silently drop Litestream's file lock (POSIX lock
// semantics). The litestream command must be installed:
//
//	CGO_ENABLED=0 go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18
//
// # Basics
//
//	r, err := replica.Start(ctx, "app.db", "s3://bucket/app", nil)
//	...
//	err = r.Sync(ctx) // everything committed so far is in the bucket
//	...
//	err = r.Close()
//
// On another machine, or after losing this one:
//
//	err := replica.Restore(ctx, "s3://bucket/app", "app.db", nil)
//
// # What it guarantees, and what not
//
// A transaction is off the machine once [Replica.Sync] returns after it;
// between syncs Litestream ships the WAL every second. A restore gives a
// prefix of the committed transactions, never a torn one. Failover is not
// automatic: it is a Restore on another machine. A [Follower] is
// read-only.
//
// Litestream adds its tables _litestream_seq and _litestream_lock to the
// database. While it runs, FULL, RESTART and TRUNCATE checkpoints would
// wait for its read lock for the whole busy timeout: package driver's
// Checkpoint refuses them with
// [github.com/sqlitekit/sqlitekit/driver.ErrReplicated]; PASSIVE
// checkpoints, and SQLite's automatic ones, work.
//
// # Paths and URLs
//
// A database path and a replica URL reach Litestream as they are: nothing
// in them is expanded as an environment variable ($VAR, ${VAR}) or read as
// YAML. [Start] refuses what Litestream v0.5.18 cannot take, with an error
// naming it: a name that is not UTF-8, and a database path with "?", "#"
// or "%HH" in it (Litestream opens the database as an SQLite URI, where
// these have a meaning). The URL is Litestream's to read: in a file URL,
// it keeps "#…" as part of the path and writes a space as "%20".
//
// # Stopping
//
// [Replica.Close] and [Follower.Close] send SIGTERM, then SIGKILL after
// 10 s, and return within that bound; no litestream is left running, even
// when Close lands while the supervisor is restarting one.
//
// A program that dies without Close, by SIGKILL too, takes its
// litestreams with it on Linux and FreeBSD: each is started with the
// kernel's parent-death signal (SIGKILL), and the Litestream of the
// program started again ships, from the database, what the killed one had
// not. Other systems (macOS, Windows) have no such signal: there a killed
// program's litestream keeps running. On macOS it keeps the database's
// lock (see below), so the program started again fails at Start with
// [ErrAlreadyReplicated] until it is stopped: its command line names a
// configuration in a temporary directory named sqlitekit-litestream…
// (`pgrep -fl sqlitekit-litestream`); a follower's names its database
// after -o.
//
// # One Litestream per database
//
// Two Litestreams replicating one database corrupt each other's replica.
// [Start] refuses, with [ErrAlreadyReplicated], a database that a replica
// runs for: of this process, under any spelling of its path; of another
// process, on Unix, through an exclusive lock (flock) of the file
// sqlitekit.lock in the directory Litestream keeps beside the database
// (.NAME-litestream), which the program and its litestream hold. On
// Windows, another process's replica is not seen.
package replica

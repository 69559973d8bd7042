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
//	r, err := replica.Start(ctx, "app.db", replica.Options{URL: "s3://bucket/app"})
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
// database. While it runs, TRUNCATE and RESTART checkpoints would wait for
// its read lock for the whole busy timeout: package driver's Checkpoint
// refuses them with [github.com/sqlitekit/sqlitekit/driver.ErrReplicated];
// PASSIVE checkpoints, and the driver's automatic ones, work.
package replica

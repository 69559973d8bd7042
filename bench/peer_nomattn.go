//go:build benchmattn && !cgo

package main

func init() { noPeerReason["mattn"] = "built without cgo" }

//go:build linux || freebsd

package replica

import (
	"os/exec"
	"syscall"
)

// dieWithUs has the kernel send SIGKILL to cmd's process when the OS
// thread that started it ends: at the latest when this process dies, by
// SIGKILL too. (Litestream is made to be killed: the next one resumes from
// the database and the replica.) The thread must live as long as the
// child: start and wait for it from a goroutine locked to its thread
// (runtime.LockOSThread), which no other goroutine can end.
func dieWithUs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

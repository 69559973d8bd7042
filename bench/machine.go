package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the bench ran.
type machine struct {
	CPU        string
	Cores      int
	GOMAXPROCS int
	OS         string
	Go         string
	Memory     string
	Load       string // the load average when the run started (1, 5, 15 minutes)
	Commit     string // of this repository, if git knows
}

func readMachine() machine {
	m := machine{
		CPU:        runtime.GOARCH,
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
		Go:         runtime.Version(),
	}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		if kb, err := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64); err == nil {
			v = fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
		m.Memory = v
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	if src := sourceDir(); src != "" {
		if out, err := exec.Command("git", "-C", src, "rev-parse", "--short", "HEAD").Output(); err == nil {
			m.Commit = strings.TrimSpace(string(out))
		}
	}
	return m
}

// procField is the first value of a "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// goRunBuild is how long `go run` worked before it started this program,
// that is its build of the bench (sqlitekit, ncruces and modernc: seconds
// from Go's build cache, minutes on a fresh machine). It is read from
// /proc: this process's start time less its parent's, if the parent is
// the go command; false elsewhere.
func goRunBuild() (time.Duration, bool) {
	ppid := os.Getppid()
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
	if err != nil || strings.TrimSpace(string(comm)) != "go" {
		return 0, false
	}
	parent, ok1 := procStart(fmt.Sprintf("/proc/%d/stat", ppid))
	self, ok2 := procStart("/proc/self/stat")
	if !ok1 || !ok2 || self < parent {
		return 0, false
	}
	// Start times are in clock ticks, 100 a second on Linux.
	return time.Duration(self-parent) * time.Second / 100, true
}

// procStart is the start time field of a /proc/<pid>/stat file.
func procStart(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: the fields
	// are counted from after it (the state is field 3, starttime 22).
	i := strings.LastIndex(string(b), ") ")
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b)[i+2:])
	if len(f) < 20 {
		return 0, false
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	return v, err == nil
}

package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSample is the machine's busy CPU time so far (/proc/stat: user,
// nice, system, irq and softirq of all CPUs; idle, iowait and steal are
// not busy) and this process's own (getrusage). A row's server CPU is
// the machine's minus the client's over the row: the server's processes,
// the kernel's work for the connections and the disk, and whatever else
// runs then (nothing much on a machine kept for the job). /proc/stat
// counts in ticks (10 ms): a row of under a second is only roughly
// measured.
type cpuSample struct {
	machine, self time.Duration
	ok            bool
}

func sampleCPU() cpuSample {
	var s cpuSample
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return s
	}
	s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	f, err := os.Open("/proc/stat")
	if err != nil {
		return s
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return s
	}
	fields := strings.Fields(line)
	if len(fields) < 8 || fields[0] != "cpu" {
		return s
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7} { // user nice system irq softirq
		n, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return s
		}
		ticks += n
	}
	const userHZ = 100 // sysconf(_SC_CLK_TCK) on Linux
	s.machine = time.Duration(ticks) * time.Second / userHZ
	s.ok = true
	return s
}

// serverCPU is the CPU time spent by everything but this process between
// two samples; ok is false where /proc/stat could not be read.
func serverCPU(a, b cpuSample) (time.Duration, bool) {
	if !a.ok || !b.ok {
		return 0, false
	}
	return max((b.machine-a.machine)-(b.self-a.self), 0), true
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gromox-go/gromox/supervisor"
	"go.uber.org/zap"
)

func (c *command) serve(args []string) error {
	fs := c.flags("serve")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := c.settings()
	if err != nil {
		return err
	}
	log, err := supervisor.NewLogger(st.LogLevel, st.LogFile)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	srv, err := supervisor.Start(ctx, st, log)
	if err != nil {
		return err
	}
	var first *supervisor.FirstUser
	if c.embedded() {
		if first, err = supervisor.Bootstrap(ctx, st, srv.Dir); err != nil {
			srv.Shutdown(context.Background())
			return err
		}
	}
	mode := "config " + st.ConfigDir
	if c.embedded() {
		mode = "embedded instance in " + st.DataDir
	}
	fmt.Fprintf(c.stdout, "gromox %s serving (%s, %s user directory)\n", version(), mode, st.DirectoryBackend)
	for _, l := range srv.Listeners() {
		fmt.Fprintf(c.stdout, "listening: %-8s %s\n", l.Protocol, l.Addr)
	}
	if first != nil {
		fmt.Fprintf(c.stdout, "first user: %s\npassword:   %s   (shown once; change it with: gromox user passwd %s)\n",
			first.Username, first.Password, first.Username)
	}
	fmt.Fprintln(c.stdout, "ready")
	log.Info("server started", zap.Int("pid", os.Getpid()))

	<-ctx.Done()
	stop()
	log.Info("shutting down", zap.Duration("timeout", st.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), st.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(c.stdout, "stopped")
	return nil
}

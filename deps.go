//go:build deps

// Package gromox pins the modules the packages under construction need, so
// that parallel work does not race on go.mod. Removed once every module is
// imported by real code.
package gromox

import (
	_ "github.com/GehirnInc/crypt"
	_ "github.com/asynkron/protoactor-go/actor"
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "go.uber.org/zap"
	_ "go.uber.org/zap/exp/zapslog"
	_ "golang.org/x/crypto/bcrypt"
	_ "modernc.org/sqlite"
)
